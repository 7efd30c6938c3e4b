/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path in lib/net: TCP to a stream listening port is
 * NET_VERDICT_KERNEL, other TCP is dropped and counted, and frames the kernel
 * writes on the tap leave with the next hop's MAC or are refused and counted;
 * datagrams of a port with transport 6 (the stream link) say so.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "metrics.h"
#include "net.h"

static struct rte_mempool *pool;
static struct net_port port;
static struct metrics_lcore mx;
static const struct rte_ether_addr mac_us = { { 0x02, 0, 0, 0, 0, 1 } };
static const struct rte_ether_addr mac_client = { { 0x02, 0, 0, 0, 0, 2 } };
/* Host order; not RTE_IPV4, which shifts an int (undefined for a first byte over 127). */
#define IPV4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define IP_US IPV4(198, 18, 0, 1)
#define IP_CLIENT IPV4(198, 18, 0, 2)
#define IP_FAR IPV4(203, 0, 113, 9)
#define IP_GW IPV4(198, 18, 0, 254)

/* An Ethernet/IPv4/TCP SYN from src:sport to dst:dport, or UDP when udp. */
static struct rte_mbuf *
frame(const struct rte_ether_addr *eth_dst, const struct rte_ether_addr *eth_src, uint32_t src,
      uint16_t sport, uint32_t dst, uint16_t dport, bool udp, uint16_t l4_len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint16_t len = (uint16_t)(sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + l4_len);
	uint8_t *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	if (p == NULL) {
		CU_FAIL_FATAL("no room for the frame");
		return m;
	}
	memset(p, 0, len);

	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

	eth->dst_addr = *eth_dst;
	eth->src_addr = *eth_src;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + l4_len));
	ip->time_to_live = 64;
	ip->next_proto_id = udp ? IPPROTO_UDP : IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (udp) {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)(ip + 1);

		u->src_port = rte_cpu_to_be_16(sport);
		u->dst_port = rte_cpu_to_be_16(dport);
		u->dgram_len = rte_cpu_to_be_16(l4_len);
	} else if (l4_len >= sizeof(struct rte_tcp_hdr)) {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)(ip + 1);

		t->src_port = rte_cpu_to_be_16(sport);
		t->dst_port = rte_cpu_to_be_16(dport);
		t->data_off = 5 << 4;
		t->tcp_flags = RTE_TCP_SYN_FLAG;
	}
	return m;
}

static void
reset(void)
{
	memset(&mx, 0, sizeof(mx));
	port.kernel_tcp_port_count = 2;
	port.kernel_tcp_ports[0] = 3478;
	port.kernel_tcp_ports[1] = 5349;
	port.transport = 0;
}

static void
test_steer_listening_ports(void)
{
	struct net_udp_info info;
	struct rte_mbuf *m;

	reset();
	m = frame(&mac_us, &mac_client, IP_CLIENT, 40000, IP_US, 5349, false, 20);
	CU_ASSERT_EQUAL(net_input(&port, m, &info, &mx, 0), NET_VERDICT_KERNEL);
	CU_ASSERT_EQUAL(mx.counter[METRICS_KERNEL_STEERED], 1);
	rte_pktmbuf_free(m);
	/* Another TCP port of ours: dropped, the kernel never sees it. */
	m = frame(&mac_us, &mac_client, IP_CLIENT, 40000, IP_US, 22, false, 20);
	CU_ASSERT_EQUAL(net_input(&port, m, &info, &mx, 0), NET_VERDICT_FREE);
	CU_ASSERT_EQUAL(mx.counter[METRICS_DROP_TCP_PORT], 1);
	rte_pktmbuf_free(m);
	/* A truncated TCP header. */
	m = frame(&mac_us, &mac_client, IP_CLIENT, 40000, IP_US, 3478, false, 8);
	CU_ASSERT_EQUAL(net_input(&port, m, &info, &mx, 0), NET_VERDICT_FREE);
	CU_ASSERT_EQUAL(mx.counter[METRICS_DROP_TCP_PORT], 2);
	rte_pktmbuf_free(m);
	/* Not our address: dropped before TCP is looked at. */
	m = frame(&mac_us, &mac_client, IP_CLIENT, 40000, IP_FAR, 3478, false, 20);
	CU_ASSERT_EQUAL(net_input(&port, m, &info, &mx, 0), NET_VERDICT_FREE);
	CU_ASSERT_EQUAL(mx.counter[METRICS_DROP_IPV4_NOT_OURS], 1);
	CU_ASSERT_EQUAL(mx.counter[METRICS_KERNEL_STEERED], 1);
	rte_pktmbuf_free(m);
}

static void
test_no_stream_ports_is_proto_drop(void)
{
	struct net_udp_info info;
	struct rte_mbuf *m;

	reset();
	port.kernel_tcp_port_count = 0;
	m = frame(&mac_us, &mac_client, IP_CLIENT, 40000, IP_US, 3478, false, 20);
	CU_ASSERT_EQUAL(net_input(&port, m, &info, &mx, 0), NET_VERDICT_FREE);
	CU_ASSERT_EQUAL(mx.counter[METRICS_DROP_IPV4_PROTO], 1);
	CU_ASSERT_EQUAL(mx.counter[METRICS_DROP_TCP_PORT], 0);
	rte_pktmbuf_free(m);
}

static void
test_transport_of_datagrams(void)
{
	struct net_udp_info info;
	struct rte_mbuf *m;

	reset();
	m = frame(&mac_us, &mac_client, IP_CLIENT, 40000, IP_US, 3478, true, 12);
	CU_ASSERT_EQUAL(net_input(&port, m, &info, &mx, 0), NET_VERDICT_UDP);
	CU_ASSERT_EQUAL(info.transport, IPPROTO_UDP);
	rte_pktmbuf_free(m);
	port.transport = IPPROTO_TCP; /* the stream link */
	m = frame(&mac_us, &mac_client, IP_CLIENT, 40000, IP_US, 3478, true, 12);
	CU_ASSERT_EQUAL(net_input(&port, m, &info, &mx, 0), NET_VERDICT_UDP);
	CU_ASSERT_EQUAL(info.transport, IPPROTO_TCP);
	rte_pktmbuf_free(m);
}

static void
test_kernel_output(void)
{
	struct rte_mbuf *m, *probe;
	uint64_t now = rte_get_tsc_cycles();
	rte_be32_t client = rte_cpu_to_be_32(IP_CLIENT);

	reset();
	/* The kernel's SYN-ACK from 5349 to the client, addressed to the tap's own MAC. */
	m = frame(&mac_us, &mac_us, IP_US, 5349, IP_CLIENT, 40000, false, 20);
	CU_ASSERT_EQUAL(net_kernel_output(&port, m, pool, &probe, &mx, now), -1);
	CU_ASSERT_EQUAL(mx.counter[METRICS_DROP_KERNEL_UNRESOLVED], 1);
	CU_ASSERT_PTR_NOT_NULL(probe); /* an ARP request for the client */
	CU_ASSERT_EQUAL(mx.counter[METRICS_ARP_REQUESTED], 1);
	rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);

	/* The client answers; now the frame leaves with its MAC and ours. */
	struct rte_mbuf *arp = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_append(arp,
		sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr));
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(eth + 1);
	struct net_udp_info info;

	eth->dst_addr = mac_us;
	eth->src_addr = mac_client;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	a->arp_data.arp_sha = mac_client;
	a->arp_data.arp_sip = client;
	a->arp_data.arp_tha = mac_us;
	a->arp_data.arp_tip = rte_cpu_to_be_32(IP_US);
	CU_ASSERT_EQUAL(net_input(&port, arp, &info, &mx, now), NET_VERDICT_FREE);
	rte_pktmbuf_free(arp);

	m = frame(&mac_us, &mac_us, IP_US, 5349, IP_CLIENT, 40000, false, 20);
	CU_ASSERT_EQUAL_FATAL(net_kernel_output(&port, m, pool, &probe, &mx, now), 0);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	CU_ASSERT_TRUE(rte_is_same_ether_addr(&eth->dst_addr, &mac_client));
	CU_ASSERT_TRUE(rte_is_same_ether_addr(&eth->src_addr, &mac_us));
	CU_ASSERT_EQUAL(mx.counter[METRICS_KERNEL_SENT], 1);
	rte_pktmbuf_free(m);

	/* Off-link: through the gateway, unresolved here: dropped, probed. */
	m = frame(&mac_us, &mac_us, IP_US, 3478, IP_FAR, 40000, false, 20);
	CU_ASSERT_EQUAL(net_kernel_output(&port, m, pool, &probe, &mx, now), -1);
	CU_ASSERT_EQUAL(mx.counter[METRICS_DROP_KERNEL_UNRESOLVED], 2);
	if (probe != NULL)
		rte_pktmbuf_free(probe);
	rte_pktmbuf_free(m);
}

static void
test_kernel_output_refuses_the_rest(void)
{
	struct rte_mbuf *m, *probe;

	reset();
	/* TCP from a port that is not a stream port (say the kernel's sshd). */
	m = frame(&mac_us, &mac_us, IP_US, 22, IP_CLIENT, 40000, false, 20);
	CU_ASSERT_EQUAL(net_kernel_output(&port, m, pool, &probe, &mx, 0), -1);
	rte_pktmbuf_free(m);
	/* UDP from the kernel. */
	m = frame(&mac_us, &mac_us, IP_US, 3478, IP_CLIENT, 40000, true, 12);
	CU_ASSERT_EQUAL(net_kernel_output(&port, m, pool, &probe, &mx, 0), -1);
	rte_pktmbuf_free(m);
	/* From an address that is not ours. */
	m = frame(&mac_us, &mac_us, IP_FAR, 3478, IP_CLIENT, 40000, false, 20);
	CU_ASSERT_EQUAL(net_kernel_output(&port, m, pool, &probe, &mx, 0), -1);
	rte_pktmbuf_free(m);
	/* A truncated TCP header. */
	m = frame(&mac_us, &mac_us, IP_US, 3478, IP_CLIENT, 40000, false, 8);
	CU_ASSERT_EQUAL(net_kernel_output(&port, m, pool, &probe, &mx, 0), -1);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(mx.counter[METRICS_DROP_KERNEL_OTHER], 4);
	CU_ASSERT_EQUAL(mx.counter[METRICS_KERNEL_SENT], 0);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal_argv[] = { argv[0], "--no-huge", "--no-pci", "-m", "64", "--no-shconf",
			     "--log-level=warning", prefix, NULL };
	CU_pSuite s;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=dturn-unit-stream-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv) - 1, eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("stream_test", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "mempool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	port.mac = mac_us;
	port.has_ipv4 = true;
	port.ipv4 = rte_cpu_to_be_32(IP_US);
	port.ipv4_prefix = 24;
	port.ipv4_gw = rte_cpu_to_be_32(IP_GW);
	net_ipv6_link_local(&port.mac, port.ipv6_ll);
	port.neigh = net_neigh_create(64, SOCKET_ID_ANY);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("stream-net", NULL, NULL);
	CU_add_test(s, "TCP to stream ports goes to the kernel", test_steer_listening_ports);
	CU_add_test(s, "no stream ports: TCP is a protocol drop", test_no_stream_ports_is_proto_drop);
	CU_add_test(s, "the stream link's datagrams are transport 6", test_transport_of_datagrams);
	CU_add_test(s, "kernel frames get the next hop's MAC", test_kernel_output);
	CU_add_test(s, "kernel frames that are not ours to send", test_kernel_output_refuses_the_rest);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned int failed = CU_get_number_of_failures();

	CU_cleanup_registry();
	net_neigh_free(port.neigh);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return failed == 0 ? 0 : 1;
}
