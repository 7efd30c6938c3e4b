/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_CONF_TYPES_H
#define DTURN_CONF_TYPES_H

/*
 * The configuration as the rest of dturn sees it. Every array is fixed-size
 * and nothing points to the heap, so a struct conf can be copied by value and
 * handed to another lcore without ownership questions.
 * The reference for every field is docs/configuration.md.
 */

#include <stdbool.h>
#include <stdint.h>

#define CONF_MAX_VDEVS         8
#define CONF_MAX_PCI           8
#define CONF_MAX_PORTS         8
#define CONF_MAX_LISTEN_PORTS  4
#define CONF_MAX_STREAM_PORTS  4    /* each of stream.tcp_listen_ports and tls_listen_ports */
#define CONF_PATH_LEN          256  /* a file path: rte_cfgfile keeps 255 bytes */
#define CONF_MAX_RELAY_ADDRS   8
#define CONF_MAX_PEER_RULES    64   /* each of allow-peer and deny-peer, over all lines */
#define CONF_MAX_USERS         64
#define CONF_MAX_REST_SECRETS  4

#define CONF_LCORES_LEN        128  /* EAL --lcores text */
#define CONF_FILE_PREFIX_LEN   33   /* 32 characters + NUL */
#define CONF_TAP_NAME_LEN      14   /* 13 characters + NUL: a port's digit follows within IFNAMSIZ */
#define CONF_DEVARGS_LEN       256  /* one vdev string, as rte_cfgfile can hold it */
#define CONF_DEVICE_LEN        64   /* rte_dev name: vdev name or PCI address */
#define CONF_PORT_NAME_LEN     16   /* 15 characters + NUL */
#define CONF_TEXT_LEN          128  /* SOFTWARE, realm, password: 127 bytes + NUL */
#define CONF_USER_NAME_LEN     64   /* a key in [users]: rte_cfgfile keeps 63 bytes */
#define CONF_SECRET_LEN        256  /* a [rest] secret: rte_cfgfile keeps 255 bytes */

enum conf_memory {
	CONF_MEMORY_AUTO = 0,      /* try hugepages, fall back to --no-huge */
	CONF_MEMORY_HUGEPAGES,     /* hugepages or fail */
	CONF_MEMORY_NO_HUGE,       /* always --no-huge */
};

/* Same numbers as RTE_LOG_EMERG..RTE_LOG_DEBUG, so the app can pass them on. */
enum conf_log_level {
	CONF_LOG_EMERG = 1,
	CONF_LOG_ALERT,
	CONF_LOG_CRIT,
	CONF_LOG_ERR,
	CONF_LOG_WARNING,
	CONF_LOG_NOTICE,
	CONF_LOG_INFO,
	CONF_LOG_DEBUG,
};

struct conf_eal {
	char lcores[CONF_LCORES_LEN];     /* passed to EAL --lcores unchanged */
	unsigned int lcore_count;         /* distinct lcores named in lcores */
	unsigned int main_lcore;          /* lowest of them: the control lcore */
	enum conf_memory memory;
	unsigned int memory_mb;
	char file_prefix[CONF_FILE_PREFIX_LEN];
	char vdev[CONF_MAX_VDEVS][CONF_DEVARGS_LEN];       /* full devargs */
	char vdev_name[CONF_MAX_VDEVS][CONF_DEVICE_LEN];   /* part before ',' */
	unsigned int vdev_count;
	char pci[CONF_MAX_PCI][CONF_DEVICE_LEN];  /* normalised "dddd:bb:dd.f" */
	unsigned int pci_count;                   /* 0: the app passes --no-pci */
	uint32_t mbufs;
	unsigned int idle_sleep_us;       /* 0: workers poll without pause */
};

struct conf_log {
	enum conf_log_level level;
};

struct conf_port {
	char name[CONF_PORT_NAME_LEN];    /* NAME of [port NAME] */
	char device[CONF_DEVICE_LEN];     /* vdev name or normalised PCI address */
	bool has_ipv4;
	uint32_t ipv4;                    /* network byte order */
	uint8_t ipv4_prefix;              /* 1..32 */
	bool has_ipv4_gateway;
	uint32_t ipv4_gateway;            /* network byte order */
	bool has_ipv6;
	uint8_t ipv6[16];
	uint8_t ipv6_prefix;              /* 1..128 */
	bool has_ipv6_gateway;
	uint8_t ipv6_gateway[16];
	uint16_t mtu;
};

struct conf_stun {
	uint16_t listen_ports[CONF_MAX_LISTEN_PORTS];  /* host byte order */
	unsigned int listen_port_count;
	char software[CONF_TEXT_LEN];     /* "" = send no SOFTWARE attribute */
};

/* A peer address rule; host bits are always zero. */
struct conf_cidr {
	uint8_t family;                   /* AF_INET or AF_INET6 */
	uint8_t prefix;
	union {
		uint32_t ipv4;            /* network byte order */
		uint8_t ipv6[16];
	} addr;
};

struct conf_turn {
	char realm[CONF_TEXT_LEN];        /* "" = not set */
	uint16_t relay_port_min;          /* host byte order, inclusive */
	uint16_t relay_port_max;
	/* Each relay address is inside exactly one port's prefix (that port owns it). */
	uint32_t relay_ipv4[CONF_MAX_RELAY_ADDRS];     /* network byte order */
	unsigned int relay_ipv4_count;
	uint8_t relay_ipv6[CONF_MAX_RELAY_ADDRS][16];
	unsigned int relay_ipv6_count;
	uint32_t max_allocations;
	uint32_t allocations_per_user;    /* 0 = unlimited */
	uint32_t lifetime_max;            /* seconds */
	uint32_t nonce_lifetime;          /* seconds */
	struct conf_cidr allow_peers[CONF_MAX_PEER_RULES];   /* allow-peer, in file order */
	unsigned int allow_peer_count;
	struct conf_cidr deny_peers[CONF_MAX_PEER_RULES];    /* deny-peer, in file order */
	unsigned int deny_peer_count;
	uint32_t auth_failure_rate;       /* failed authentications per second per source; 0 = no limit */
	uint32_t auth_failure_burst;      /* failures a source may have in a row */
	uint32_t auth_block_time;         /* seconds a source is not answered once over the limit */
	uint32_t bandwidth_limit;         /* bytes per second per allocation, both ways; 0 = none */
	uint32_t bandwidth_burst;         /* bytes; 0 = one second's worth (at least 64 KiB) */
	uint16_t channel_max;             /* highest channel number: 0x4FFF (RFC 8656) or 0x7FFF (RFC 5766) */
	int alternate_family;             /* alternate_server: AF_INET, AF_INET6, 0 = none */
	uint32_t alternate_ipv4;          /* network byte order */
	uint8_t alternate_ipv6[16];
	uint16_t alternate_port;          /* host byte order */
};

/* [mgmt]: the HTTP endpoint for /metrics, /healthz, /readyz (docs/metrics.md). */
struct conf_mgmt {
	bool http_enabled;                /* false: http_listen = off */
	int http_family;                  /* AF_INET or AF_INET6 */
	uint32_t http_ipv4;               /* network byte order */
	uint8_t http_ipv6[16];
	uint16_t http_port;               /* host byte order */
};

/*
 * [stream]: TURN over TCP and TLS (RFC 8656 §3.1, §12.5) through the kernel's
 * exception path (docs/architecture.md, "Streams"). On when any listening
 * port is set.
 */
struct conf_stream {
	uint16_t tcp_ports[CONF_MAX_STREAM_PORTS];   /* host byte order */
	unsigned int tcp_port_count;
	uint16_t tls_ports[CONF_MAX_STREAM_PORTS];
	unsigned int tls_port_count;
	char tls_certificate[CONF_PATH_LEN];         /* PEM chain; "" = not set */
	char tls_private_key[CONF_PATH_LEN];         /* PEM key; "" = not set */
	uint32_t max_connections;                    /* open at once, all sources */
	uint32_t connections_per_source;             /* open at once from one IP */
	uint32_t handshake_timeout;                  /* seconds to the first message (TLS: handshake) */
	uint32_t idle_timeout;                       /* seconds without a byte from the client */
	uint32_t max_buffered_bytes;                 /* unsent bytes per connection before it is cut */
	char tap_name[CONF_TAP_NAME_LEN];            /* tap interface name: this + the port's index */
};

enum conf_user_key {
	CONF_USER_PASSWORD = 0,   /* password holds the plaintext */
	CONF_USER_MD5_KEY,        /* md5_key holds MD5(user:realm:password) */
};

struct conf_user {
	char name[CONF_USER_NAME_LEN];
	enum conf_user_key kind;
	char password[CONF_TEXT_LEN];
	uint8_t md5_key[16];
};

struct conf {
	struct conf_eal eal;
	struct conf_log log;
	struct conf_port ports[CONF_MAX_PORTS];
	unsigned int port_count;
	struct conf_stun stun;
	struct conf_turn turn;
	struct conf_user users[CONF_MAX_USERS];
	unsigned int user_count;
	char rest_secrets[CONF_MAX_REST_SECRETS][CONF_SECRET_LEN];
	unsigned int rest_secret_count;
	struct conf_mgmt mgmt;
	struct conf_stream stream;
};

/* One problem found in a config file. line 0: not tied to a line. */
struct conf_error {
	char file[256];
	unsigned int line;
	char key[64];       /* "section.key", "section" or "" */
	char msg[192];
};

#define CONF_MAX_ERRORS 32

struct conf_errors {
	struct conf_error err[CONF_MAX_ERRORS];
	unsigned int count;  /* every error found; only the first CONF_MAX_ERRORS are kept */
};

#endif
