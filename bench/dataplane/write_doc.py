#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the dataplane section of docs/benchmarks.md from bench/dataplane/run.sh's output.

usage: write_doc.py OUT_DIR DOC HUGE_SMALL HUGE_BIG PERF_OK SECONDS CALLGRIND_PACKETS
Only the text between '<!-- BEGIN dataplane' and '<!-- END dataplane -->' is replaced
(the file is re-read right before writing).
"""
import datetime
import os
import re
import subprocess
import sys

out, doc, huge_small, huge_big, perf_ok, seconds, cgn = sys.argv[1:8]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def kv(line):
    return dict(t.split('=', 1) for t in line.split()[1:] if '=' in t)


def load(name):
    p = os.path.join(out, name + '.txt')
    if not os.path.exists(p):
        return []
    return [kv(l) for l in open(p) if l.startswith('RESULT ')]


runs = {n: load(n) for n in ('paths', 'lcores', 't100k', 't1m', 't1m64k', 't1m1k')}
allres = [kv(l) for l in open(os.path.join(out, 'results.txt'))]
testpmd = {int(d['size']): float(d['mpps']) for d in allres if d and 'periods' in d}
cg = {}
for d in allres:
    if 'ir_pkt' in d:
        cg[(d['path'], int(d['size']), d['kind'])] = float(d['ir_pkt'])


def matching(run, path, size, workers):
    return [d for d in runs.get(run, [])
            if d['path'] == path and int(d['size']) == size and int(d['workers']) == workers]


def find(run, path, size, workers=1):
    """The run's result for path, size and workers; the median by Mpps when repeated."""
    m = sorted(matching(run, path, size, workers), key=lambda d: float(d['mpps']))
    return m[(len(m) - 1) // 2] if m else None


def every(run, path, size, workers):
    return [float(d['mpps']) for d in matching(run, path, size, workers)]


def f(x, fmt='%.2f'):
    return '-' if x is None else fmt % x


def mpps(d):
    return None if d is None else float(d['mpps'])


def ir(path, size):
    full, fix = cg.get((path, size, 'full')), cg.get((path, size, 'fix'))
    if full is None:
        return None, None
    return full, (full - fix) if fix is not None else full


PATHS = [
    ('channeldata-to-peer', 'client ChannelData -> peer UDP'),
    ('peer-to-channeldata', 'peer UDP -> ChannelData'),
    ('send-to-peer', 'Send indication -> peer UDP'),
    ('peer-to-data-indication', 'peer UDP -> Data indication'),
    ('binding', 'Binding request -> response'),
    ('pingpong', 'ping-pong: ChannelData both ways'),
    ('floor-io', 'floor: rx/tx io forward, no dturn'),
]

L = []
L.append('<!-- BEGIN dataplane: written by bench/dataplane/run.sh -->')
L.append('## Data plane on worker lcores (net_ring, in-process generator)')
L.append('')
L.append('The real worker code (`dp_handle_burst`, `dp_tx_flush`, `dp_relay_retry_held`,')
L.append('`table_reader_quiescent`: a copy of `dp_lcore_main`\'s pass) on the real table, auth,')
L.append('turn_server and dp_settings, over two ports made with `rte_eth_from_rings` (client side')
L.append('198.18.0.1/24, STUN on port 443; peer side 198.19.0.1/24 + 16 relayed addresses x ports')
L.append('1024-65535, the listening port outside that range as dturn\'s config check requires).')
L.append('Each port has one queue per worker whose RX and TX are **the same ring**: every worker')
L.append('recirculates its own pre-built packet set (512 mbufs) through its own ring loop, as the')
L.append('issue allows on a 2-core machine. With n workers, worker w draws only the flows f with')
L.append('f % n = w, as RSS keeps a client\'s 5-tuple on one queue: workers relaying for the same')
L.append('allocations would bounce those allocations\' traffic-counter cache lines between cores.')
L.append('Between the RX burst and `dp_handle_burst` one')
L.append('harness step, the *fix-up*, plays the wire and the remote host, timed separately with')
L.append('`rte_rdtsc`:')
L.append('')
L.append('- one-way paths: the relay leaves the payload in place, so the fix-up writes the input')
L.append('  headers of the next flow (a pre-built template, prefetched 16 draws ahead as a NIC\'s')
L.append('  frames arrive in the cache; flows drawn uniformly from all the live allocations unless a')
L.append('  row says otherwise) in front of it at data_off 128 and resets the lengths, then hands the')
L.append('  burst to dturn as received on the input port (for Binding it rewrites the first 160')
L.append('  bytes the response overwrote);')
L.append('- ping-pong: a reflector swaps MACs, IPs and UDP ports in place (checksums stay valid):')
L.append('  client ChannelData -> peer UDP, reflected back as the peer\'s datagram -> ChannelData to')
L.append('  the client, reflected back as the client\'s ChannelData; each packet counted once per')
L.append('  relay, both directions in one loop;')
L.append('- floor-io: no dturn: `rte_eth_rx_burst` on a port, `rte_eth_tx_burst` on the other.')
L.append('')
L.append('*Mpps* counts relayed packets over the whole loop (fix-up included). *cycles/pkt* is TSC')
L.append('cycles of the loop over packets; *dturn cycles/pkt* subtracts the fix-up (what remains is')
L.append('rx/tx burst on the rings, classification, table reads, rewriting, checksums, TX).')
L.append('*Instructions/pkt* come from callgrind over %s packets (fix-up subtracted, from a separate' % cgn)
L.append('dump of the fix-up alone). Every run checks the outcome counters: each packet must end')
L.append('in the path\'s relay/answer counter with no drop (`ok`).')
L.append('')

# ---- paths
L.append('### Paths, one worker lcore, 1,000 allocations')
L.append('')
L.append('| path | payload B | frame B | Mpps | cycles/pkt | fix-up cycles/pkt | dturn cycles/pkt | dturn instructions/pkt | ok |')
L.append('|---|---:|---:|---:|---:|---:|---:|---:|:-:|')
for p, desc in PATHS:
    for size in (100, 1000):
        d = find('paths', p, size)
        if d is None:
            continue
        full, net = ir(p, size)
        L.append('| %s | %d | %s | %s | %s | %s | %s | %s | %s |' % (
            desc, size, d['frame'], f(mpps(d)), d['cyc_pkt'], d['fix_cyc_pkt'],
            d['dturn_cyc_pkt'] if p != 'floor-io' else d['cyc_pkt'],
            f(net if p != 'floor-io' else full, '%.0f'), 'yes' if d['ok'] == '1' else 'NO ' + d.get('bad', '')))
L.append('')
L.append('Payload B is what is relayed (ChannelData/Send data, the peer\'s datagram); Binding pads')
L.append('its request to that size with a comprehension-optional attribute. Frame B is the input frame.')
L.append('')

# ---- floor
L.append('### Framework floor (same run)')
L.append('')
L.append('| floor | frame B | Mpps |')
L.append('|---|---:|---:|')
for size in (100, 1000):
    if size in testpmd:
        L.append('| `dpdk-testpmd --forward-mode=io`, 2 net_ring vdevs, 1 forwarding lcore, 32 packets in flight per port (median of 1 s periods) | %d | %.1f |' % (size + 46, testpmd[size]))
for size in (100, 1000):
    d = find('paths', 'floor-io', size)
    if d:
        L.append('| this harness, rx/tx io forward over the same ring ports as dturn, 512 in flight | %s | %.1f |' % (d['frame'], mpps(d)))
L.append('')
L.append('Neither floor touches packet data: on net_ring they measure pointer moves through')
L.append('`rte_ring`, a few cycles a packet, so they are a ceiling no packet-processing code reaches.')
L.append('')

# ---- table size
L.append('### Table size (one worker lcore)')
L.append('')
L.append('| live allocations | flows in the traffic | ChannelData -> peer 100 B Mpps | dturn cycles/pkt | ChannelData -> peer 1000 B Mpps | peer -> ChannelData 100 B Mpps | dturn cycles/pkt |')
L.append('|---:|---:|---:|---:|---:|---:|---:|')
for run, n in (('paths', 1000), ('t100k', 100000), ('t1m', 1000000), ('t1m64k', 1000000),
               ('t1m1k', 1000000)):
    a, b = find(run, 'channeldata-to-peer', 100), find(run, 'channeldata-to-peer', 1000)
    c = find(run, 'peer-to-channeldata', 100)
    if a is None:
        L.append('| %s | - | - | - | - | - | - |' % format(n, ','))
        continue
    L.append('| %s | %s | %s | %s | %s | %s | %s |' % (
        format(n, ','), format(int(a['flows']), ','), f(mpps(a)), a['dturn_cyc_pkt'], f(mpps(b)),
        f(mpps(c)), '-' if c is None else c['dturn_cyc_pkt']))
L.append('')
L.append('Allocations are created with `table_alloc_create` (one permission and one channel each);')
L.append('the traffic draws each packet\'s flow uniformly from the flows of its row, picked at')
L.append('random from the live set (all of them in the first three rows). The last two rows keep')
L.append('the million allocations but draw from 65,536 and from 1,000 of them: they separate the')
L.append('table\'s size from the number of flows the traffic touches. What a packet reads at a')
L.append('million flows, each line a miss: the flow cache\'s set (16 MB per index) and four lines of')
L.append('its entry (docs/architecture.md, "The shared table").')
L.append('')

# ---- lcores
L.append('### Worker lcores (1,000 allocations, same process, back to back)')
L.append('')
L.append('| path | payload B | 1 worker Mpps | 2 workers Mpps | ratio | each run, 1 / 2 workers |')
L.append('|---|---:|---:|---:|---:|---|')
for p, desc in PATHS:
    if p not in ('channeldata-to-peer', 'pingpong', 'floor-io'):
        continue
    for size in (100, 1000):
        a, b = find('lcores', p, size, 1), find('lcores', p, size, 2)
        if a is None or b is None:
            continue
        L.append('| %s | %d | %s | %s | %s | %s / %s |' % (
            desc, size, f(mpps(a)), f(mpps(b)),
            f(mpps(b) / mpps(a) if mpps(a) else None) + 'x',
            ', '.join('%.2f' % x for x in every('lcores', p, size, 1)),
            ', '.join('%.2f' % x for x in every('lcores', p, size, 2))))
L.append('')
L.append('1 and 2 workers ran alternately, three times each (`--workers 1,2,1,2,1,2`); the table')
L.append('shows the median of each and the ratio of the medians.')
L.append('With 2 workers both cores of this 2-core machine run a worker (lcore 0, the main lcore,')
L.append('is worker 0; there is no idle core for the control lcore or anything else, and other')
L.append('engineers\' builds and tests share the same two cores). With 1 worker lcore 1 sleeps.')
L.append('')

# The targets themselves are in the section bench/targets.py writes at the top of the file.
L.append('The targets, as ratios of this run\'s figures, are at the top of this file ("Targets, one run").')
L.append('')

# ---- profile
def top(name):
    p = os.path.join(out, name)
    return [l.rstrip() for l in open(p)] if os.path.exists(p) else []


L.append('### Where the ChannelData path spends its time')
L.append('')
for a in ('1000', '1000000'):
    t = top('perf-%s-top.txt' % a)
    if not t:
        continue
    L.append('`perf record -e cpu-clock` (software clock: this VM exposes no hardware counters),')
    L.append('client ChannelData -> peer, 100 B, %s allocations, self time:' % format(int(a), ','))
    L.append('')
    L.append('```')
    L.extend(t)
    L.append('```')
    L.append('')
t = top('callgrind-cd-top.txt')
if t:
    L.append('callgrind, the same path at 1,000 allocations, %s packets, instructions by function' % cgn)
    L.append('(self; the total includes the harness loop and fix-up):')
    L.append('')
    L.append('```')
    L.extend(t)
    L.append('```')
    L.append('')
L.append('![Mpps vs table size and vs worker lcores](dataplane-scaling.png)')
L.append('')

# ---- provenance
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
try:
    head = subprocess.run(['git', '-C', root, 'rev-parse', '--short', 'HEAD'], capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run(['git', '-C', root, 'status', '--porcelain', 'lib'], capture_output=True,
                           text=True).stdout.strip()
except OSError:
    head, dirty = '?', ''
L.append('- Date: %s; machine: `nproc` = %d, CPU "%s", TSC %s MHz; buildtype=release.' % (
    datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M UTC'), os.cpu_count(), cpu,
    next((str(int(int(d['tsc_hz']) / 1e6)) for d in allres if 'tsc_hz' in d), '?')))
L.append('- Source: commit %s%s.' % (head, ' with uncommitted changes under lib/ (other work in progress at the time of the run)' if dirty else ''))
L.append('- Hugepages: %s for the 1k/100k runs, %s for 1M (each entry is %s bytes: 1M need ~1.6 GB of entries).' % (
    huge_small, huge_big, next((d['sizeof_alloc'] for d in allres if 'sizeof_alloc' in d), '?')))
la = [open(os.path.join(out, 'loadavg.' + w)).read().split()[:3] for w in ('before', 'after')
      if os.path.exists(os.path.join(out, 'loadavg.' + w))]
if la:
    L.append('- Load average (1/5/15 min) %s: other work was using the same 2 cores.' % ' then '.join('/'.join(x) for x in la))
L.append('- Each run: %s s after a 0.2 s warm-up; the machine is shared and noisy (other builds and' % seconds)
L.append('  tests run beside it), so rates move by tens of percent between runs; instruction counts')
L.append('  are the repeatable figure.')
L.append('- Reproduce: `bench/dataplane/run.sh` (BENCH_SECONDS=%s, CALLGRIND_PACKETS=%s). Commands run:' % (seconds, cgn))
L.append('')
L.append('```')
for l in open(os.path.join(out, 'commands.txt')):
    name, cmd = l.rstrip('\n').split('|', 1)
    cmd = cmd.replace(root + '/', '').replace(out + '/', '$OUT/')
    cmd = re.sub(r'bdp-\d+', 'bdp-$$', cmd)
    L.append(cmd)
L.append('```')
L.append('<!-- END dataplane -->')

section = '\n'.join(L) + '\n'
text = open(doc).read() if os.path.exists(doc) else '# Benchmarks\n'
m = re.search(r'^<!-- BEGIN dataplane.*?^<!-- END dataplane -->\n?', text, re.M | re.S)
if m:
    text = text[:m.start()] + section + text[m.end():]
else:
    text = text.rstrip('\n') + '\n\n' + section
tmp = doc + '.tmp-dataplane'
with open(tmp, 'w') as fh:
    fh.write(text)
os.replace(tmp, doc)
print('== wrote the dataplane section of %s' % doc)
