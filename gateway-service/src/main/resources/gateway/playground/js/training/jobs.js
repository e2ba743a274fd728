// The job list: one row per job, newest first; a click follows that job.

import { el } from '../dom.js';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

export const isTerminal = (status) => TERMINAL.includes(status);

export const formatLoss = (value) => (value === null || value === undefined ? '–' : value.toFixed(3));

export function renderJobs(tbody, jobs, followedId, onFollow) {
  if (jobs.length === 0) {
    tbody.replaceChildren(el('tr', {}, el('td', { colSpan: 6, className: 'muted', textContent: 'No jobs yet.' })));
    return;
  }
  tbody.replaceChildren(...jobs.map((job) => el('tr', {
    className: job.id === followedId ? 'followed' : '',
    dataset: { id: job.id },
    title: `${job.id} — click to follow`,
    onclick: () => onFollow(job.id),
  },
  el('td', {}, el('code', { textContent: job.model ?? '?' })),
  el('td', {}, el('span', { className: `status ${job.status}`, textContent: job.status })),
  el('td', { className: 'num', textContent: job.total_steps ? `${job.step ?? 0}/${job.total_steps}` : '–' }),
  el('td', { className: 'num', textContent: formatLoss(job.loss) }),
  el('td', { className: 'num', textContent: formatLoss(job.eval_loss) }),
  el('td', { className: 'num', textContent: new Date(job.created * 1000).toLocaleTimeString() }))));
}
