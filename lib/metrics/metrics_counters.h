/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DTURN_METRICS_COUNTERS_H
#define DTURN_METRICS_COUNTERS_H

/*
 * The one list of per-lcore outcomes. Each line generates an enum value, the
 * counter's name in /dturn/stats and Prometheus, and its help text, so a new
 * reason is one line here and is always counted and printed.
 * Drops are named drop_<layer>_<why>.
 */
#define METRICS_COUNTERS(X) \
	X(RX_PACKETS,            "rx_packets",            "frames received from a port") \
	X(TX_PACKETS,            "tx_packets",            "frames handed to a port for sending") \
	X(TX_DROPPED,            "tx_dropped",            "frames the port refused (TX queue full)") \
	X(BUSY_CYCLES,           "busy_cycles",           "TSC cycles of loop passes that handled packets (divide by rx_packets for clocks per packet)") \
	X(BUSY_IO_CYCLES,        "busy_io_cycles",        "of busy_cycles, those spent in the ports' rx and tx bursts (the PMD's share)") \
	X(BUSY_PASSES,           "busy_passes",           "loop passes that handled packets (rx_packets / busy_passes is the mean burst)") \
	X(FLOW_CACHE_HITS,       "flow_cache_hits",       "allocation lookups (ChannelData, peer data) the worker's flow cache answered") \
	X(FLOW_CACHE_MISSES,     "flow_cache_misses",     "allocation lookups that went to rte_hash: a flow's first datagram, a way replaced since, or no allocation") \
	X(ARP_REPLIED,           "arp_replied",           "ARP requests for our addresses answered") \
	X(ARP_LEARNED,           "arp_learned",           "neighbour MAC addresses learned from ARP") \
	X(ARP_REQUESTED,         "arp_requested",         "ARP requests sent to resolve a next hop") \
	X(NDP_ADVERTISED,        "ndp_advertised",        "neighbour solicitations for our addresses answered") \
	X(NDP_LEARNED,           "ndp_learned",           "neighbour MAC addresses learned from NDP") \
	X(NDP_SOLICITED,         "ndp_solicited",         "neighbour solicitations sent to resolve a next hop") \
	X(ICMP_ECHO_REPLIED,     "icmp_echo_replied",     "ICMP echo requests answered") \
	X(ICMP6_ECHO_REPLIED,    "icmp6_echo_replied",    "ICMPv6 echo requests answered") \
	X(UDP_RECEIVED,          "udp_received",          "UDP datagrams for a listening port") \
	X(STUN_BINDING_ANSWERED, "stun_binding_answered", "Binding requests answered with success") \
	X(STUN_INDICATION_ACCEPTED, "stun_indication_accepted", "Binding indications accepted silently") \
	X(STUN_ERROR_ANSWERED,   "stun_error_answered",   "requests answered with an error response (420, 400)") \
	X(STUN_CLASSIC_ANSWERED, "stun_classic_answered", "RFC 3489 Binding requests answered with MAPPED-ADDRESS") \
	X(TURN_ALLOCATED,        "turn_allocated",        "allocations created") \
	X(TURN_ALLOCATE_REPLAYED, "turn_allocate_replayed", "retransmitted Allocate answered from the kept response") \
	X(TURN_REFRESHED,        "turn_refreshed",        "allocations refreshed") \
	X(TURN_DELETED,          "turn_deleted",          "allocations deleted by Refresh with LIFETIME 0") \
	X(TURN_DUAL_ALLOCATED,   "turn_dual_allocated",   "allocations created with both an IPv4 and an IPv6 relayed address") \
	X(TURN_FAMILY_DELETED,   "turn_family_deleted",   "one family of a dual allocation deleted by Refresh with REQUESTED-ADDRESS-FAMILY and LIFETIME 0") \
	X(TURN_EXPIRED,          "turn_expired",          "allocations expired") \
	X(TURN_PERMISSIONS,      "turn_permissions",      "CreatePermission requests granted") \
	X(TURN_CHANNELS,         "turn_channels",         "ChannelBind requests granted") \
	X(TURN_CHALLENGED,       "turn_challenged",       "requests without credentials answered 401 with a nonce") \
	X(TURN_AUTH_FAILED,      "turn_auth_failed",      "requests with wrong credentials answered 401") \
	X(TURN_STALE_NONCE,      "turn_stale_nonce",      "requests with an expired nonce answered 438") \
	X(TURN_ERROR_400,        "turn_error_400",        "TURN requests answered 400 Bad Request") \
	X(TURN_ERROR_403,        "turn_error_403",        "TURN requests answered 403 Forbidden (peer refused)") \
	X(TURN_ERROR_437,        "turn_error_437",        "TURN requests answered 437 Allocation Mismatch") \
	X(TURN_ERROR_441,        "turn_error_441",        "TURN requests answered 441 Wrong Credentials") \
	X(TURN_ERROR_442,        "turn_error_442",        "TURN requests answered 442 Unsupported Transport") \
	X(TURN_ERROR_440,        "turn_error_440",        "TURN requests answered 440 Address Family not Supported") \
	X(TURN_ERROR_443,        "turn_error_443",        "TURN requests answered 443 Peer Address Family Mismatch") \
	X(TURN_ERROR_486,        "turn_error_486",        "TURN requests answered 486 Allocation Quota Reached") \
	X(TURN_ERROR_508,        "turn_error_508",        "TURN requests answered 508 Insufficient Capacity") \
	X(TURN_DRAIN_REFUSED,    "turn_drain_refused",    "Allocate refused while draining (300 with ALTERNATE-SERVER, or 508)") \
	X(TURN_REVOKED_REFUSED,  "turn_revoked_refused",  "requests of a revoked user answered 401 (until a reload)") \
	X(TURN_ADMIN_DELETED,    "turn_admin_deleted",    "allocations deleted by a management command (dturnctl delete or revoke)") \
	X(TURN_TO_CONTROL,       "turn_to_control",       "TURN requests handed to the control lcore") \
	X(RELAY_TO_PEER,         "relay_to_peer",         "client data relayed to a peer") \
	X(RELAY_TO_CLIENT_CHANNEL, "relay_to_client_channel", "peer data relayed to a client as ChannelData") \
	X(RELAY_TO_CLIENT_DATA,  "relay_to_client_data",  "peer data relayed to a client as a Data indication") \
	X(RELAY_HAIRPIN,         "relay_hairpin",         "client data delivered to another allocation of this relay") \
	X(DROP_RELAY_NO_ALLOCATION, "drop_relay_no_allocation", "Send/ChannelData from a client without an allocation") \
	X(DROP_RELAY_NO_CHANNEL, "drop_relay_no_channel", "ChannelData on a channel that is not bound") \
	X(DROP_RELAY_NO_PERMISSION, "drop_relay_no_permission", "data to or from a peer without a permission") \
	X(DROP_RELAY_POLICY,     "drop_relay_policy",     "Send indication to a permitted peer the peer policy now refuses") \
	X(DROP_RELAY_SEND_INVALID, "drop_relay_send_invalid", "Send indication without a valid XOR-PEER-ADDRESS or DATA") \
	X(DROP_RELAY_TOO_BIG,    "drop_relay_too_big",    "relayed data that would not fit a datagram") \
	X(DROP_PEER_NO_ALLOCATION, "drop_peer_no_allocation", "peer datagram to a relayed port with no allocation") \
	X(TURN_SOURCE_BLOCKED,   "turn_source_blocked",   "sources put in the penalty box for failing authentication too often") \
	X(DROP_SOURCE_BLOCKED,   "drop_source_blocked",   "STUN messages from a source in the penalty box, not answered") \
	X(DROP_RELAY_BANDWIDTH,  "drop_relay_bandwidth",  "relayed data over its allocation's bandwidth limit") \
	X(DROP_UNAUTH_NO_ALLOCATION, "drop_unauth_no_allocation", "Refresh/CreatePermission/ChannelBind without credentials or allocation, not answered") \
	X(DROP_CONTROL_FULL,     "drop_control_full",     "request dropped: the control lcore's queue was full") \
	X(DROP_CONTROL_NO_TURN,  "drop_control_no_turn",  "TURN request while no realm/users are configured") \
	X(CONFIG_RELOADED,       "config_reloaded",       "config reloads applied (SIGHUP or /dturn/reload)") \
	X(CONFIG_RELOAD_REFUSED, "config_reload_refused", "config reloads refused: the file had errors or could not be applied; the old config stays") \
	X(DROP_ETH_SHORT,        "drop_eth_short",        "frame shorter than an Ethernet header") \
	X(DROP_ETH_NOT_OURS,     "drop_eth_not_ours",     "unicast frame for another MAC address") \
	X(DROP_ETH_TYPE,         "drop_eth_type",         "EtherType we do not serve (VLAN, LLDP, ...)") \
	X(DROP_ARP_INVALID,      "drop_arp_invalid",      "ARP packet malformed or not Ethernet/IPv4") \
	X(DROP_ARP_NOT_OURS,     "drop_arp_not_ours",     "ARP request for an address that is not ours") \
	X(DROP_IPV4_HEADER,      "drop_ipv4_header",      "IPv4 header truncated, wrong version or lengths") \
	X(DROP_IPV4_CHECKSUM,    "drop_ipv4_checksum",    "IPv4 header checksum wrong") \
	X(DROP_IPV4_OPTIONS,     "drop_ipv4_options",     "IPv4 packet with options") \
	X(DROP_IPV4_FRAGMENT,    "drop_ipv4_fragment",    "IPv4 fragment") \
	X(DROP_IPV4_NOT_OURS,    "drop_ipv4_not_ours",    "IPv4 packet for an address that is not ours") \
	X(DROP_IPV4_PROTO,       "drop_ipv4_proto",       "IPv4 protocol we do not serve") \
	X(DROP_IPV6_HEADER,      "drop_ipv6_header",      "IPv6 header truncated, wrong version or lengths") \
	X(DROP_IPV6_NOT_OURS,    "drop_ipv6_not_ours",    "IPv6 packet for an address that is not ours") \
	X(DROP_IPV6_PROTO,       "drop_ipv6_proto",       "IPv6 next header we do not serve (extension headers included)") \
	X(DROP_ICMP_INVALID,     "drop_icmp_invalid",     "ICMP message truncated or with a bad checksum") \
	X(DROP_ICMP_TYPE,        "drop_icmp_type",        "ICMP type we do not answer") \
	X(DROP_ICMP6_INVALID,    "drop_icmp6_invalid",    "ICMPv6 message truncated or with a bad checksum") \
	X(DROP_ICMP6_TYPE,       "drop_icmp6_type",       "ICMPv6 type we do not answer") \
	X(DROP_NDP_INVALID,      "drop_ndp_invalid",      "NDP message failing RFC 4861 validity checks") \
	X(DROP_UDP_HEADER,       "drop_udp_header",       "UDP header truncated or its length wrong") \
	X(DROP_UDP_CHECKSUM,     "drop_udp_checksum",     "UDP checksum wrong (or zero over IPv6)") \
	X(DROP_UDP_PORT,         "drop_udp_port",         "UDP to a port we do not listen on") \
	X(NEIGH_PENDING,         "neigh_pending",         "datagrams that found their next hop unresolved (held while it resolves)") \
	X(NEIGH_HELD_SENT,       "neigh_held_sent",       "held datagrams sent once their next hop resolved") \
	X(DROP_NEIGH_UNRESOLVED, "drop_neigh_unresolved", "held datagram dropped: next hop unresolved for a second, or the hold queue full") \
	X(DROP_NET_TOO_BIG,      "drop_net_too_big",      "packet would not fit the mbuf, its headroom or the MTU") \
	X(DROP_NO_ROUTE,         "drop_no_route",         "no address of the port's family to send from") \
	X(DROP_STUN_DECODE,      "drop_stun_decode",      "STUN message failing to decode (see stun_decode_* for why)") \
	X(DROP_STUN_CLASS,       "drop_stun_class",       "STUN response or error response sent to the server") \
	X(DROP_STUN_METHOD,      "drop_stun_method",      "STUN method this relay does not serve") \
	X(DROP_STUN_FINGERPRINT, "drop_stun_fingerprint", "STUN FINGERPRINT present but wrong") \
	X(DROP_STUN_ENCODE,      "drop_stun_encode",      "STUN response did not fit the buffer") \
	X(DROP_STUN_CHANGE_REQUEST, "drop_stun_change_request", "RFC 3489 request to answer from another address (none configured)") \
	X(DROP_CHANNEL_DATA,     "drop_channel_data",     "ChannelData with no allocation to relay it") \
	X(DROP_DEMUX_OTHER,      "drop_demux_other",      "datagram on a STUN port that is neither STUN nor ChannelData") \
	X(DROP_MBUF_ALLOC,       "drop_mbuf_alloc",       "no mbuf free to build a packet") \
	X(KERNEL_STEERED,        "kernel_steered",        "TCP segments to a stream listening port passed to the kernel (exception path)") \
	X(KERNEL_SENT,           "kernel_sent",           "frames from the kernel's tap sent on the wire port") \
	X(DROP_TCP_PORT,         "drop_tcp_port",         "TCP to a port that is not a stream listening port (or truncated)") \
	X(DROP_KERNEL_OTHER,     "drop_kernel_other",     "frame from the kernel's tap that is not TCP from a stream listening port") \
	X(DROP_KERNEL_UNRESOLVED, "drop_kernel_unresolved", "kernel frame whose next hop is unresolved (an ARP/NDP probe went out; TCP retransmits)") \
	X(STREAM_ACCEPTED,       "stream_accepted",       "TCP connections accepted on a TURN TCP or TLS port") \
	X(STREAM_TLS_HANDSHAKES, "stream_tls_handshakes", "TLS handshakes completed") \
	X(STREAM_CLOSED,         "stream_closed",         "stream connections closed by the client or after an error") \
	X(STREAM_ALLOC_CLOSED,   "stream_alloc_closed",   "allocations deleted because their client's TCP/TLS connection closed (RFC 8656 §3.1)") \
	X(STREAM_RX_MESSAGES,    "stream_rx_messages",    "STUN and ChannelData messages read from stream clients") \
	X(STREAM_TX_MESSAGES,    "stream_tx_messages",    "messages written (or buffered) to stream clients") \
	X(STREAM_CUT_PER_SOURCE, "stream_cut_per_source", "connections refused: the source IP has connections_per_source open") \
	X(STREAM_CUT_FULL,       "stream_cut_full",       "connections refused: max_connections open") \
	X(STREAM_CUT_HANDSHAKE,  "stream_cut_handshake",  "connections cut: no message (TCP) or TLS handshake within handshake_timeout") \
	X(STREAM_CUT_IDLE,       "stream_cut_idle",       "connections cut: nothing read for idle_timeout") \
	X(STREAM_CUT_BUFFER,     "stream_cut_buffer",     "connections cut: a slow reader passed max_buffered_bytes") \
	X(STREAM_CUT_GARBAGE,    "stream_cut_garbage",    "connections cut: bytes that are neither STUN nor ChannelData, or a bad STUN length") \
	X(STREAM_CUT_TOO_BIG,    "stream_cut_too_big",    "connections cut: a message longer than the stream link carries") \
	X(STREAM_CUT_TLS,        "stream_cut_tls",        "connections cut: TLS handshake or record error") \
	X(DROP_STREAM_NO_CONN,   "drop_stream_no_conn",   "message for a stream client whose connection is gone") \
	X(DROP_STREAM_RING_FULL, "drop_stream_ring_full", "message from a stream client (or a closed connection's notice) dropped: its ring was full")

enum metrics_counter {
#define METRICS_ENUM(id, name, help) METRICS_##id,
	METRICS_COUNTERS(METRICS_ENUM)
#undef METRICS_ENUM
	METRICS_COUNTER_MAX
};

#endif
