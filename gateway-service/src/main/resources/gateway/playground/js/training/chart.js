// A live line chart of a job's loss (training) and eval loss (held out) against the step, in SVG.
// Redrawn whole on every point: a job sends a few points a second, a few hundred in all.

import { svg } from '../dom.js';

const WIDTH = 640;
const HEIGHT = 300;
const M = { left: 52, right: 16, top: 16, bottom: 36 };

/** Round numbers for an axis from lo to hi: about count of them. */
function ticks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

export class LossChart {
  constructor(container) {
    this.container = container;
    this.reset(0);
  }

  reset(totalSteps) {
    this.totalSteps = totalSteps;
    this.loss = []; // [step, value], one per step
    this.evalLoss = [];
    this.draw();
  }

  /** A progress event: its loss at its step; its eval loss once per new evaluation (events repeat the latest one). */
  add(event) {
    this.totalSteps = Math.max(this.totalSteps, event.total_steps ?? 0);
    if (event.step > 0 && Number.isFinite(event.loss)) {
      put(this.loss, event.step, event.loss);
    }
    if (event.step > 0 && Number.isFinite(event.eval_loss) && this.evalLoss.at(-1)?.[1] !== event.eval_loss) {
      put(this.evalLoss, event.step, event.eval_loss);
    }
    this.draw();
  }

  get points() {
    return this.loss.length;
  }

  draw() {
    const all = [...this.loss, ...this.evalLoss];
    const maxStep = Math.max(this.totalSteps, ...all.map(([s]) => s), 1);
    const values = all.map(([, v]) => v);
    let lo = values.length ? Math.min(...values) : 0;
    let hi = values.length ? Math.max(...values) : 1;
    if (hi - lo < 1e-6) {
      lo -= 0.5;
      hi += 0.5;
    }
    const pad = (hi - lo) * 0.08;
    lo = Math.max(0, lo - pad);
    hi += pad;
    const x = (step) => M.left + (step / maxStep) * (WIDTH - M.left - M.right);
    const y = (v) => M.top + (1 - (v - lo) / (hi - lo)) * (HEIGHT - M.top - M.bottom);

    const chart = svg('svg', { class: 'loss-chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img',
      'aria-label': 'loss against step', 'data-points': this.loss.length, 'data-eval-points': this.evalLoss.length });
    const grid = svg('g', { class: 'grid' });
    for (const v of ticks(lo, hi, 5)) {
      grid.append(svg('line', { x1: M.left, x2: WIDTH - M.right, y1: y(v), y2: y(v) }),
        svg('text', { x: M.left - 6, y: y(v), class: 'tick y' }, v.toFixed(2)));
    }
    for (const s of ticks(0, maxStep, 6)) {
      grid.append(svg('text', { x: x(s), y: HEIGHT - M.bottom + 16, class: 'tick x' }, String(s)));
    }
    grid.append(svg('text', { x: (M.left + WIDTH - M.right) / 2, y: HEIGHT - 4, class: 'axis' }, 'step'),
      svg('text', { x: 12, y: (HEIGHT - M.bottom) / 2, class: 'axis', transform: `rotate(-90 12 ${(HEIGHT - M.bottom) / 2})` },
        'loss (nats/token)'));
    chart.append(grid, svg('rect', { class: 'frame', x: M.left, y: M.top, width: WIDTH - M.left - M.right,
      height: HEIGHT - M.top - M.bottom }));

    for (const [series, name] of [[this.loss, 'loss'], [this.evalLoss, 'eval']]) {
      if (series.length > 0) {
        chart.append(svg('polyline', { class: `series ${name}`,
          points: series.map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }));
        const [s, v] = series.at(-1);
        chart.append(svg('circle', { class: `series ${name}`, cx: x(s), cy: y(v), r: 3 }));
      }
    }
    chart.append(legend());
    if (this.loss.length === 0) {
      chart.append(svg('text', { x: WIDTH / 2, y: HEIGHT / 2, class: 'empty' }, 'waiting for the first step…'));
    }
    this.container.replaceChildren(chart);
  }
}

/** Sets the value at a step (a repeated event replaces, never duplicates), keeping steps in order. */
function put(series, step, value) {
  const last = series.at(-1);
  if (last && last[0] === step) {
    last[1] = value;
  } else if (!last || last[0] < step) {
    series.push([step, value]);
  }
}

function legend() {
  const x = WIDTH - M.right - 150;
  return svg('g', { class: 'legend' },
    svg('line', { x1: x, x2: x + 18, y1: M.top + 12, y2: M.top + 12, class: 'series loss' }),
    svg('text', { x: x + 24, y: M.top + 12 }, 'training loss'),
    svg('line', { x1: x, x2: x + 18, y1: M.top + 30, y2: M.top + 30, class: 'series eval' }),
    svg('text', { x: x + 24, y: M.top + 30 }, 'eval loss (held out)'));
}
