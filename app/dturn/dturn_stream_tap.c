/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path's tap: a net_tap port whose kernel interface has the
 * wire port's MAC (set here: net_tap's mac= names the PMD's side) and IPv4
 * address, so the TCP segments the workers steer to it are addressed to the
 * kernel, which terminates the connections. The
 * interface runs without ARP (IFF_NOARP: the kernel then addresses its frames
 * to the interface's own MAC and lib/net puts the real next hop's in) and
 * without IPv6 (no router solicitations or MLD reports to filter out).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_ethdev.h>

#include "dturn_app.h"
#include "dturn_stream.h"

static int
set_ipv4(int sock, const char *ifname, const struct rte_ether_addr *mac, uint32_t addr,
	 uint8_t prefix)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
	if (ioctl(sock, SIOCSIFADDR, &ifr) != 0)
		return -1;
	sin->sin_addr.s_addr = prefix == 0 ? 0 : htonl(~0u << (32 - prefix));
	if (ioctl(sock, SIOCSIFNETMASK, &ifr) != 0)
		return -1;
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0)
		return -1;
	ifr.ifr_flags &= ~IFF_UP; /* the MAC changes only while it is down */
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) != 0)
		return -1;
	struct ifreq hw;

	memset(&hw, 0, sizeof(hw));
	snprintf(hw.ifr_name, sizeof(hw.ifr_name), "%s", ifname);
	hw.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(hw.ifr_hwaddr.sa_data, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	if (ioctl(sock, SIOCSIFHWADDR, &hw) != 0)
		return -1;
	ifr.ifr_flags |= IFF_UP | IFF_NOARP;
	return ioctl(sock, SIOCSIFFLAGS, &ifr);
}

/* Best effort: an interface whose IPv6 stays on only sends a few frames lib/net drops. */
static void
disable_ipv6(const char *ifname)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		RTE_LOG(NOTICE, DTURN, "stream: %s: IPv6 left on\n", ifname);
	close(fd);
}

int
dturn_stream_tap_create(const char *tap_name, unsigned int index, const struct net_port *wire,
			uint16_t *port_id)
{
	char name[32], ifname[IFNAMSIZ], args[192];
	int ret, sock;

	snprintf(name, sizeof(name), "net_tap_dturn%u", index);
	/* The config allows 13 characters: with one digit this always fits IFNAMSIZ. */
	snprintf(ifname, sizeof(ifname), "%s%u", tap_name, index);
	/*
	 * An interface of that name is someone else's: another running dturn's tap (net_tap's
	 * taps go with their process), which net_tap would join as more queues
	 * (IFF_MULTI_QUEUE) and split its connections with ours, or anything else.
	 */
	if (if_nametoindex(ifname) != 0) {
		RTE_LOG(ERR, DTURN, "stream: interface %s already exists (another dturn serving "
			"[stream]? give each instance its own stream.tap_name)\n", ifname);
		return -1;
	}
	snprintf(args, sizeof(args), "%s,iface=%s,mac=" RTE_ETHER_ADDR_PRT_FMT, name, ifname,
		 RTE_ETHER_ADDR_BYTES(&wire->mac));
	ret = rte_dev_probe(args);
	if (ret != 0) {
		RTE_LOG(ERR, DTURN, "stream: cannot create tap %s (%s): %s (needs /dev/net/tun and "
			"CAP_NET_ADMIN)\n", ifname, args, rte_strerror(-ret));
		return -1;
	}
	if (rte_eth_dev_get_port_by_name(name, port_id) != 0) {
		RTE_LOG(ERR, DTURN, "stream: tap %s has no port\n", name);
		return -1;
	}
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock < 0) {
		RTE_LOG(ERR, DTURN, "stream: socket: %s\n", strerror(errno));
		return -1;
	}
	disable_ipv6(ifname);
	ret = set_ipv4(sock, ifname, &wire->mac, wire->ipv4, wire->ipv4_prefix);
	if (ret != 0)
		RTE_LOG(ERR, DTURN, "stream: cannot give %s its MAC, address, NOARP and up: %s\n", ifname,
			strerror(errno));
	close(sock);
	return ret == 0 ? 0 : -1;
}
