#!/usr/bin/env node
// A/B benchmark against an earlier commit, in one session (issue 20 item 6: "no worse than before in
// the same run"). The earlier commit is checked out once into a worktree beside the repo (its
// dependencies installed offline from the pnpm store), then the two trees run the same filtered
// bench page in turn, alternating which goes first each round, so load on the machine falls on both.
// Prints, per case and metric, both medians and new/old as a speed ratio (> 1: the new code is faster).
// Usage: node scripts/bench-ab.mjs [--base=REV] [--rounds=N] [--metrics=a,b] <filter>
//   --base: the commit to compare with (default 28286e9, the last commit of the one-class core);
//   --rounds: how many times each tree runs the page (default 3); --json=FILE writes the figures.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const filter = args.find((a) => !a.startsWith('--'));
const base = flag('base', '28286e9');
const rounds = Number(flag('rounds', '3'));
const metrics = flag('metrics', undefined);
const jsonOut = flag('json', undefined);
if (!filter) throw new Error('usage: node scripts/bench-ab.mjs [--base=REV] [--rounds=N] [--metrics=a,b] <filter>');
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');

const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
const sha = git('rev-parse', '--short=10', base);
const head = git('rev-parse', '--short=10', 'HEAD');
const baseDir = join(dirname(root), `.stowage-ab-${sha}`);

if (!existsSync(baseDir)) {
  console.log(`checking out ${sha} into ${baseDir}`);
  git('worktree', 'add', '--detach', baseDir, sha);
}
if (!existsSync(join(baseDir, 'node_modules'))) {
  // Offline first: the store already holds what the earlier lockfile names on a machine that built it.
  const offline = spawnSync('pnpm', ['install', '--offline', '--frozen-lockfile'], { cwd: baseDir, stdio: 'inherit' });
  if (offline.status !== 0) {
    const online = spawnSync('pnpm', ['install', '--frozen-lockfile'], { cwd: baseDir, stdio: 'inherit' });
    if (online.status !== 0) throw new Error(`pnpm install failed in ${baseDir}`);
  }
}

/** Runs the filtered page once in `dir`, returns its groups. */
function runOnce(dir) {
  const a = ['apps/bench/run.mjs', filter, '--runs=1', ...(metrics ? [`--metrics=${metrics}`] : [])];
  const r = spawnSync(process.execPath, a, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench failed in ${dir} (exit ${r.status})`);
  return JSON.parse(readFileSync(join(dir, 'apps/bench/results/partial.json'), 'utf8')).groups;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** figures[tree][group/case/metric] = values across rounds; better[id] = 'lower' | 'higher'. */
const figures = { new: {}, old: {} };
const better = {};
for (let i = 0; i < rounds; i++) {
  const order = i % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
  for (const tree of order) {
    console.log(`round ${i + 1}/${rounds}: ${tree} (${tree === 'new' ? head : sha})`);
    for (const g of runOnce(tree === 'new' ? root : baseDir)) {
      for (const r of g.results.filter((x) => x.ours)) {
        for (const m of g.metrics) {
          const v = r.values[m.key];
          if (typeof v !== 'number') continue;
          const id = `${g.id} · ${r.case} · ${m.key}`;
          better[id] = m.better;
          (figures[tree][id] ??= []).push(v);
        }
      }
    }
  }
}

const rows = Object.keys(figures.new).filter((id) => figures.old[id]).map((id) => {
  const n = median(figures.new[id]);
  const o = median(figures.old[id]);
  // A speed ratio either way: for times old/new, for rates new/old.
  const ratio = better[id] === 'lower' ? o / n : n / o;
  return { id, new: n, old: o, ratio };
});
console.log(`\nnew ${head} vs old ${sha}, ${rounds} round(s) each, alternating; ratio > 1: new is faster`);
const w = Math.max(...rows.map((r) => r.id.length), 4);
for (const r of rows) console.log(`${r.id.padEnd(w)}  new ${r.new.toPrecision(4).padStart(9)}  old ${r.old.toPrecision(4).padStart(9)}  ${r.ratio.toFixed(2)}×`);
const missing = Object.keys(figures.new).filter((id) => !figures.old[id]);
if (missing.length) console.log(`\nonly in the new tree (a case the old one lacks): ${missing.length}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ base: sha, head, rounds, rows }, null, 2));
