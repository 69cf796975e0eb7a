// ▁▂▃▅▇ — a figure's course at a glance, in a terminal line. Long series are folded into `width`
// buckets, each showing its largest value (a spike must not disappear in an average).
const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: number[], width = 60): string {
  if (values.length === 0) return '';
  const buckets: number[] = [];
  const per = Math.max(1, Math.ceil(values.length / width));
  for (let i = 0; i < values.length; i += per) buckets.push(Math.max(...values.slice(i, i + per)));
  const max = Math.max(...buckets);
  const min = Math.min(0, ...buckets);
  if (max === min) return BARS[0]!.repeat(buckets.length);
  return buckets.map((v) => BARS[Math.min(BARS.length - 1, Math.floor(((v - min) / (max - min)) * (BARS.length - 1)))]).join('');
}
