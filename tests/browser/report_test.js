// Opens vpcsim's HTML report in headless Chromium, as a person would, and
// checks what they would see (docs/report.md, "Testing in a browser"):
//  1. the default scenario's report loads with no console error, draws its
//     diagram, and selecting a check (the page's link form, report.html#oN,
//     runs the same code as a click) highlights that check's path;
//  2. a topology whose names carry markup executes nothing: no element or
//     script comes from them, and they show as text.
// Usage: node tests/browser/report_test.js VPCSIM CHROMIUM
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [vpcsim, chromium] = process.argv.slice(2);
const root = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vpcsim-browser-'));
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

// The DOM after the page's scripts ran, and what the page logged.
function open(file, hash) {
  const r = spawnSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=0',
                                 '--virtual-time-budget=3000', '--dump-dom', `file://${file}${hash || ''}`],
                      { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr}`);
  const console_lines = r.stderr.split('\n').filter((l) => /CONSOLE|Uncaught/.test(l));
  return { dom: r.stdout, console_lines };
}

// A screenshot of the page as a person would see it, decoded (PNG, 8-bit
// RGB or RGBA, no interlace: what Chromium writes) into {width, height, rgba}.
function screenshot(file, hash, size) {
  const png = path.join(work, `shot-${Date.now()}-${Math.random().toString(16).slice(2)}.png`);
  const r = spawnSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
                                 `--window-size=${size}`, '--virtual-time-budget=3000', `--screenshot=${png}`,
                                 `file://${file}${hash || ''}`], { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr}`);
  const data = fs.readFileSync(png);
  const width = data.readUInt32BE(16), height = data.readUInt32BE(20), depth = data[24], type = data[25];
  if (depth !== 8 || (type !== 2 && type !== 6) || data[28] !== 0) throw new Error('unexpected PNG format');
  const channels = type === 6 ? 4 : 3;
  const chunks = [];
  for (let at = 8; at < data.length;) {
    const length = data.readUInt32BE(at), kind = data.toString('ascii', at + 4, at + 8);
    if (kind === 'IDAT') chunks.push(data.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = require('zlib').inflateSync(Buffer.concat(chunks));
  const stride = width * channels, rgba = Buffer.alloc(width * height * 4);
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)], line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels] : 0, b = previous[x], c = x >= channels ? previous[x - channels] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      line[x] = (line[x] + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) rgba[(y * width + x) * 4 + k] = line[x * channels + k];
      rgba[(y * width + x) * 4 + 3] = channels === 4 ? line[x * channels + 3] : 255;
    }
    previous = line;
  }
  return { width, height, rgba };
}

// How many pixels of the screenshot have exactly this colour ("#rrggbb").
function pixelsOf(shot, colour) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < shot.rgba.length; i += 4) {
    if (shot.rgba[i] === r && shot.rgba[i + 1] === g && shot.rgba[i + 2] === b) n++;
  }
  return n;
}

function runReport(scenario, report) {
  const r = spawnSync(vpcsim, ['run', scenario, '--report', report], { encoding: 'utf8', cwd: root });
  if ((r.status !== 0 && r.status !== 1) || !fs.existsSync(report)) {
    throw new Error(`vpcsim run exited ${r.status} without a report: ${r.stderr}`);
  }
  return fs.readFileSync(report, 'utf8');
}

// 1. The default scenario.
const report = path.join(work, 'default.html');
const html = runReport('scenarios/sagemaker-studio-vpc-only.yaml', report);
// The with-nat cell of "notebook -> PyPI": its path leaves through the NAT gateway.
const row = html.split('\n').find((l) => l.startsWith('<tr><td class="check">notebook -&gt; PyPI</td>'));
const ids = row ? [...row.matchAll(/data-outcome="(o\d+)"/g)].map((m) => m[1]) : [];
check(ids.length === 3, 'the PyPI check has a cell in baseline, with-nat and locked-egress');
const page = open(report, `#${ids[1]}`);
check(page.console_lines.length === 0, `no console message (${page.console_lines.join(' | ')})`);
check((page.dom.match(/<svg/g) || []).length === 8, 'one diagram per variant');
check(/<g id="v0d0-n-subnet-[0-9a-f]+" class="node/.test(page.dom), 'the diagram has drawn subnet nodes');
const detail = page.dom.match(new RegExp(`<section class="detail" id="d-${ids[1]}"[^>]*>`));
check(detail && !/ hidden/.test(detail[0]), 'the selected check is shown');
// Each variant's pictures prefix their element ids ("v1d0-n-subnet-..."): with-nat is v1.
const lit = [...page.dom.matchAll(/<g id="(v\d+)d\d+-n-([^"]+)" class="node hl[ "]/g)];
check(lit.length > 0 && lit.every((m) => m[1] === 'v1'), 'only the with-nat diagram has highlights');
const lit_ids = lit.map((m) => m[2]);
check(lit_ids.some((id) => id.startsWith('nat-')), `the NAT gateway on the path is highlighted (${lit_ids.join(', ')})`);
check(lit_ids.some((id) => id.startsWith('subnet-')), 'the source subnet is highlighted');
check(lit_ids.some((id) => id.startsWith('igw-')), 'the internet gateway is highlighted');
// What a person sees: the diagram drew subnet boxes (their fill), the NAT gateway's, and the
// path in red (the highlight's stroke), not only elements in the DOM.
const shot = screenshot(report, `#${ids[1]}`, '1600,1250');
check(pixelsOf(shot, '#eef5ff') > 2000, `the screenshot shows subnet boxes (${pixelsOf(shot, '#eef5ff')} px)`);
check(pixelsOf(shot, '#fff4d6') > 500, `the screenshot shows the NAT gateway (${pixelsOf(shot, '#fff4d6')} px)`);
check(pixelsOf(shot, '#cf222e') > 200, `the screenshot shows the path in red (${pixelsOf(shot, '#cf222e')} px)`);
const baseline_shot = screenshot(report, `#${ids[0]}`, '1600,1250');
check(pixelsOf(baseline_shot, '#fff4d6') === 0, 'and the baseline variant, which has none, shows no NAT gateway');
const other = open(report, `#${ids[0]}`);
const lit_baseline = [...other.dom.matchAll(/<g id="(v\d+)d\d+-n-([^"]+)" class="node hl[ "]/g)];
check(lit_baseline.length > 0 && lit_baseline.every((m) => m[1] === 'v0'), 'the baseline answer lights the baseline diagram');
check(!lit_baseline.some((m) => m[2].startsWith('nat-')), 'the baseline answer (no NAT) highlights no NAT gateway');

// 2. Hostile names.
const marker = '<img src=x onerror="document.title=\'pwned\'">';
const breakout = '</script><script>document.title="pwned"</script>';
fs.writeFileSync(path.join(work, 'hostile.topology.yaml'), [
  'region: us-east-1',
  'vpcs:',
  `  - {id: vpc-1, cidr: 10.0.0.0/16, name: ${JSON.stringify(marker)}}`,
  'subnets:',
  `  - {id: subnet-1, vpc: vpc-1, az: us-east-1a, cidr: 10.0.1.0/24, name: ${JSON.stringify(breakout)},`,
  `     tags: {${JSON.stringify(breakout)}: ${JSON.stringify(marker)}}}`,
  'security_groups:',
  '  - {id: sg-1, vpc: vpc-1, egress: [{protocol: all, cidr: 0.0.0.0/0}]}',
  'route_tables:',
  '  - {id: rtb-1, vpc: vpc-1, main: true, routes: []}',
  ''].join('\n'));
fs.writeFileSync(path.join(work, 'hostile.yaml'), [
  `name: ${JSON.stringify(marker)}`,
  `description: ${JSON.stringify(breakout)}`,
  'inputs: {topologies: [hostile.topology.yaml]}',
  'checks:',
  `  - name: ${JSON.stringify(marker + breakout)}`,
  '    reach: {from: subnet:subnet-1, security_groups: [sg-1], to: ip:10.0.1.9}',
  '    expect: reachable',
  ''].join('\n'));
const hostile_report = path.join(work, 'hostile.html');
runReport(path.join(work, 'hostile.yaml'), hostile_report);
const hostile = open(hostile_report);
check(hostile.console_lines.length === 0, `no console message (${hostile.console_lines.join(' | ')})`);
check(!/<title>pwned<\/title>/.test(hostile.dom), 'no script from the input ran (the title is not "pwned")');
check(!/<img/i.test(hostile.dom), 'no element from the input: no <img>');
check((hostile.dom.match(/<script(?! type="application\/json")/g) || []).length === 1, 'the page has its one script only');
check(/<script type="application\/json" class="node-info">[^<]*\\u003c\/script/.test(hostile.dom),
      'a tag holding </script> stays inside the node data, written as \\u003c');
check(hostile.dom.includes('&lt;img src=x onerror='), 'the markup shows as text');

// 3. verify --report: the findings table, the selected finding's example drawn.
function vpcsimReport(args, report) {
  const r = spawnSync(vpcsim, [...args, '--report', report], { encoding: 'utf8', cwd: root });
  if (r.status === 2 || r.status === null || !fs.existsSync(report)) {
    throw new Error(`vpcsim ${args[0]} exited ${r.status} without a report: ${r.stderr}`);
  }
  return fs.readFileSync(report, 'utf8');
}
const verify_report = path.join(work, 'verify.html');
const verify_html = vpcsimReport(['verify', '--topology', 'tests/data/ipv6/dual-stack.yaml', '--internet-free',
                                  'subnet-igw', 'subnet-eigw', '--builtin', 'igw-ingress'], verify_report);
const rows = [...verify_html.matchAll(/<tr><td class="fail"><button data-outcome="(o\d+)">[^<]*<\/button><\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)];
const to_eigw = rows.find((m) => m[3] === 'eigw-dual');
check(rows.length === 6, `the findings table has a row per finding (${rows.length})`);
check(to_eigw !== undefined, 'a finding leaves through the egress-only gateway');
const verify_page = open(verify_report, to_eigw ? '#' + to_eigw[1] : '');
check(verify_page.console_lines.length === 0, `no console message (${verify_page.console_lines.join(' | ')})`);
const verify_lit = [...verify_page.dom.matchAll(/<g id="v0d0-n-([^"]+)" class="node hl"/g)].map((m) => m[1]);
check(verify_lit.includes('eigw-dual') && verify_lit.includes('subnet-eigw'),
      `the egress-only finding's example lights its subnet and gateway (${verify_lit.join(', ')})`);
check(!verify_lit.includes('igw-dual'), 'and not the internet gateway it does not take');
check(/<th data-sort="3">classes<\/th>/.test(verify_page.dom) && /id="filter"/.test(verify_page.dom),
      'the table has sortable headings (data-sort) and a filter box');

// 4. reach --report: each answer (IPv4 and IPv6) selectable.
const reach_report = path.join(work, 'reach.html');
vpcsimReport(['reach', '--topology', 'tests/data/ipv6/dual-stack.yaml', '--from', 'eni-web', '--to', 'internet'],
             reach_report);
const reach_page = open(reach_report, '#o1');
check(reach_page.console_lines.length === 0, `no console message (${reach_page.console_lines.join(' | ')})`);
const reach_lit = [...reach_page.dom.matchAll(/<g id="v0d0-n-([^"]+)" class="node hl"/g)].map((m) => m[1]);
check(reach_lit.includes('igw-dual'), `the IPv6 answer lights the internet gateway (${reach_lit.join(', ')})`);

// Find on the diagram: report.html#find=TEXT marks every node whose text holds it.
const found_page = open(verify_report, '#find=eigw-');
const found = [...found_page.dom.matchAll(/<g id="v0d0-n-([^"]+)" class="node[^"]*found/g)].map((m) => m[1]);
check(found.length === 2 && found.includes('eigw-dual') && found.includes('eigw-eonly'),
      `finding "eigw-" marks both egress-only gateways and nothing else (${found.join(', ')})`);
check(/<span id="found" class="muted">2 found<\/span>/.test(found_page.dom), 'and says how many it found');

// A blocked answer: the network ACL that stops it lights its subnet as the stop.
const blocked_report = path.join(work, 'blocked.html');
vpcsimReport(['reach', '--topology', 'tests/data/ipv6/dual-stack.yaml', '--from', 'eni-v4acl', '--to',
              'ip:2001:4860:4860::8888'], blocked_report);
const blocked_page = open(blocked_report);
check(/<g id="v0d0-n-subnet-v4acl" class="node hl hl-block"/.test(blocked_page.dom),
      'the IPv4-only ACL that denies IPv6 marks subnet-v4acl as where the packet stops');

// 5. capacity --report: a chart per subnet, the subnet plan drawn.
const capacity_report = path.join(work, 'capacity.html');
vpcsimReport(['capacity', '--topology', 'tests/data/capacity/replace/topology.yaml', '--plan',
              'tests/data/capacity/replace/plan.yaml'], capacity_report);
const capacity_page = open(capacity_report, '#o1');
check(capacity_page.console_lines.length === 0, `no console message (${capacity_page.console_lines.join(' | ')})`);
const shown = capacity_page.dom.match(/<section class="detail" id="d-o1"[^>]*>[\s\S]*?<\/section>/);
check(shown !== null && !/ hidden/.test(shown[0].split('>')[0]), 'the selected subnet (subnet-b) is shown');
check(shown !== null && /<svg class="chart"/.test(shown[0]) && /runs out: month 1</.test(shown[0]),
      'its chart marks month 1, when subnet-b runs out (240 + 30 a month > 251)');
check(/<svg class="plan"[\s\S]*?<title>subnet-b 10\.0\.4\.0\/22 \(new\)<\/title>/.test(capacity_page.dom),
      'the plan draws subnet-b\'s new /22 inside vpc-a');
check(/<pre>capacity projection: 12 months[^\n]*\n\nsubnet/.test(capacity_page.dom), 'the projection text keeps its lines');

// 6. diff --report: the changed verdicts, the responsible hop drawn on the variant after.
const diff_report = path.join(work, 'diff.html');
const diff_html = vpcsimReport(['diff', 'scenarios/sagemaker-studio-vpc-only.yaml', '--from', 'baseline', '--to',
                                'with-nat'], diff_report);
const diff_rows = (diff_html.match(/<tr><td class="fail"><button data-outcome=/g) || []).length;
check(diff_rows === 21, `a row per changed check and flow (5 checks + 16 flows: ${diff_rows})`);
const diff_page = open(diff_report, '#o0');
check(diff_page.console_lines.length === 0, `no console message (${diff_page.console_lines.join(' | ')})`);
const diff_lit = [...diff_page.dom.matchAll(/<g id="(v\d)d0-n-([^"]+)" class="node hl"/g)];
check(diff_lit.length > 0 && diff_lit.every((m) => m[1] === 'v1') && diff_lit.some((m) => m[2].startsWith('nat-')) &&
      diff_lit.some((m) => m[2].startsWith('subnet-')),
      `the route added in with-nat lights its subnet and the NAT gateway on with-nat's diagram (${diff_lit.map((m) => m[2]).join(', ')})`);

// 7. A large estate: an overview and a picture per VPC; a finding opens its VPC's picture.
const estate = path.join(work, 'estate');
execFileSync(vpcsim, ['generate', '--enis', '5000', '--seed', '7', '--out', estate]);
const estate_report = path.join(work, 'estate.html');
const estate_html = vpcsimReport(['verify', '--snapshot', estate, '--builtin', 'igw-egress'], estate_report);
const estate_again = vpcsimReport(['verify', '--snapshot', estate, '--builtin', 'igw-egress'],
                                  path.join(work, 'estate-again.html'));
check(estate_again === estate_html, 'the same input writes the same report, byte for byte');
const views = [...estate_html.matchAll(/<div class="view" id="v0d(\d+)" data-key="([^"]+)"/g)].map((m) => m[2]);
check(views.length > 2 && views[0] === 'overview' && views.slice(1).every((k) => k.startsWith('vpc-')),
      `the estate is drawn as an overview and one picture per VPC (${views.length} pictures)`);
const estate_page = open(estate_report, '#o0');
const ready = estate_page.dom.match(/data-ready-ms="(\d+)"/);
console.log(`     (the estate report was ready ${ready ? ready[1] : '?'} ms after navigation started; not a test)`);
check(estate_page.console_lines.length === 0, `no console message (${estate_page.console_lines.join(' | ')})`);
const shown_views = [...estate_page.dom.matchAll(/<div class="view" id="(v0d\d+)" data-key="([^"]+)">/g)];
check(shown_views.length === 1 && shown_views[0][2].startsWith('vpc-'), 'the first finding shows one VPC\'s picture');
const shown_view = shown_views.length === 1 ? shown_views[0] : ['', '', ''];
const estate_lit = [...estate_page.dom.matchAll(/<g id="(v0d\d+)-n-([^"]+)" class="node hl"/g)];
check(estate_lit.some((m) => m[1] === shown_view[1] && m[2].startsWith('subnet-')),
      'its source subnet is lit in that picture');
check(estate_lit.some((m) => m[1] === 'v0d0' && m[2] === shown_view[2]), 'and its VPC is lit in the overview');
const selected = estate_page.dom.match(/<select class="view-select">[\s\S]*?<\/select>/);
check(selected !== null, 'a selector names the pictures');
// Find by tag: the generator tags subnets tier=public|private|isolated.
const tag_page = open(estate_report, '#find=tier%3Disolated');
const tagged = [...tag_page.dom.matchAll(/<g id="v0d\d+-n-([^"]+)" class="node[^"]*found/g)].map((m) => m[1]);
check(tagged.length > 0 && tagged.every((id) => id.startsWith('subnet-')),
      `finding tier=isolated marks subnets only, by their tag (${tagged.length})`);
check(/<option value="vpc-[0-9a-f]+" data-label="[^"]*">[^<]*\(\d+ found\)<\/option>/.test(tag_page.dom),
      'the selector says how many each picture holds');

fs.rmSync(work, { recursive: true, force: true });
if (failures > 0) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('the report works in a browser');
