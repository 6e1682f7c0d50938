#!/usr/bin/env python3
"""Reference definitions of the point-in-time features that beat the Handbook benchmark,
computed over the whole simulated stream (numpy and pandas), and the export that
bench/handbook/folds.ts trains and scores on.

  python3 bench/handbook/features.py --data DIR --out FEATURES_DIR   # DIR: simulate.py's output

Point in time: a transaction at event time t sees the payments before it and itself
(windows (t - w, t], the current payment counted, as the detector's windows), and only
the labels with knownAt <= t. Labels are the benchmark's frauds with knownAt = the
fraud's time + 7 days; a transaction without a fraud label once 7 days have passed is
legit. The feature names and exact definitions are in README.md ("Training a model").
"""
import argparse, json, os, sys, time
import datetime as dt
import numpy as np
import pandas as pd

ap = argparse.ArgumentParser()
ap.add_argument('--data', required=True)
ap.add_argument('--out', required=True)
args = ap.parse_args()
os.makedirs(args.out, exist_ok=True)

# ---------------------------------------------------------------- load
df = pd.read_json(os.path.join(args.data, 'transactions.jsonl'), lines=True, dtype={'id': str})
lab = json.load(open(os.path.join(args.data, 'labels.json')))
df['fraud'] = np.array([lab[i]['fraud'] for i in df['id']], dtype=np.int8)
df['t'] = (pd.to_datetime(df['timestamp']) - pd.Timestamp('1970-01-01', tz='UTC')) // pd.Timedelta(seconds=1)
df['cust'] = df['source'].str[1:].astype(int)
df['term'] = df['target'].str[1:].astype(int)
df['tid'] = df['id'].astype(int)
df = df[['tid', 't', 'cust', 'term', 'amount', 'fraud']]
DAY = 86400
DELAY = 7 * DAY
df = df.sort_values(['t', 'tid']).reset_index(drop=True)
n = len(df)
t = df.t.values.astype(np.int64)
amt = df.amount.values.astype(np.float64)
fraud = df.fraud.values.astype(np.int64)
F = {}
BIG = 10**10

def grouped(key):
    """order sorting rows by (key, t, tid); composite sorted keys."""
    order = np.lexsort((df.tid.values, t, key))
    comp = key[order].astype(np.int64) * BIG + t[order]
    return order, comp

def window_stats(key, vals, w, order, comp, include_current=True, prefix=''):
    """count/sum/mean over (t-w, t] of the same key, current row included."""
    start = np.searchsorted(comp, comp - w, side='right')  # first row with t > t_i - w (same key)
    idx = np.arange(n)
    cnt = idx - start + 1
    cs = np.concatenate([[0.0], np.cumsum(vals[order])])
    s = cs[idx + 1] - cs[start]
    if not include_current:
        cnt = cnt - 1; s = s - vals[order]
    out_cnt = np.empty(n); out_sum = np.empty(n)
    out_cnt[order] = cnt; out_sum[order] = s
    return out_cnt, out_sum

def rolling_max(key, vals, w, order, comp):
    start = np.searchsorted(comp, comp - w, side='right')
    v = vals[order]
    out = np.empty(n)
    # monotone deque per row (python loop)
    from collections import deque
    dq = deque(); res = np.empty(n)
    for i in range(n):
        s = start[i]
        while dq and dq[0] < s: dq.popleft()
        while dq and v[dq[-1]] <= v[i]: dq.pop()
        dq.append(i)
        # restart at group boundaries: start>i-? handled since start>= group start
        res[i] = v[dq[0]]
    out[order] = res
    return out

def rolling_distinct(key, other, w, order, comp):
    start = np.searchsorted(comp, comp - w, side='right')
    o = other[order]; g = comp // BIG
    res = np.empty(n); counts = {}; lo = 0
    for i in range(n):
        if i == 0 or g[i] != g[i-1]:
            counts = {}; lo = i
        s = start[i]
        while lo < s:
            c = counts[o[lo]] - 1
            if c: counts[o[lo]] = c
            else: del counts[o[lo]]
            lo += 1
        counts[o[i]] = counts.get(o[i], 0) + 1
        res[i] = len(counts)
    out = np.empty(n); out[order] = res
    return out

T0 = time.time()
cust = df.cust.values; term = df.term.values
F['amount'] = amt
hour = (t % DAY) // 3600
F['hour'] = hour
F['night'] = (hour <= 6).astype(float)
dow = ((t // DAY) + 3) % 7  # 1970-01-01 was a Thursday (3 = Thu if Mon=0)
F['weekend'] = (dow >= 5).astype(float)

o, comp = grouped(cust)
for name, w in [('1h', 3600), ('1d', DAY), ('7d', 7*DAY), ('30d', 30*DAY)]:
    c, s = window_stats(cust, amt, w, o, comp)
    F[f'card_count_{name}'] = c; F[f'card_sum_{name}'] = s; F[f'card_mean_{name}'] = s / c
    F[f'card_max_{name}'] = rolling_max(cust, amt, w, o, comp)
    if name in ('1d', '7d', '30d'):
        F[f'card_distinct_{name}'] = rolling_distinct(cust, term, w, o, comp)
print('card windows', time.time()-T0, file=sys.stderr)
# previous-only 30d mean (excluding current) and all history
c, s = window_stats(cust, amt, 30*DAY, o, comp, include_current=False)
F['card_prev_count_30d'] = c
F['amount_ratio_30d'] = np.where(c > 0, amt / np.where(c > 0, s / np.maximum(c, 1), 1), 0)
# all-time history mean (Welford-equivalent: mean of previous)
ac = np.empty(n); asum = np.empty(n); alog = np.empty(n); alog2 = np.empty(n)
co = cust[o]; v = amt[o]; lv = np.log(np.maximum(v, 0.01))
grp_start = np.r_[True, co[1:] != co[:-1]]
gid = np.cumsum(grp_start) - 1
gfirst = np.flatnonzero(grp_start)
cs = np.cumsum(v); cl = np.cumsum(lv); cl2 = np.cumsum(lv*lv)
base = gfirst[gid]
pc = np.arange(n) - base
ps = cs - v - np.r_[0, cs][base]; pl = cl - lv - np.r_[0, cl][base]; pl2 = cl2 - lv*lv - np.r_[0, cl2][base]
ac[o] = pc; asum[o] = ps; alog[o] = pl; alog2[o] = pl2
F['card_history'] = ac
F['amount_ratio_hist'] = np.where(ac > 0, amt / np.where(ac > 0, asum / np.maximum(ac, 1), 1), 0)
lm = alog / np.maximum(ac, 1); lvar = np.maximum(alog2 / np.maximum(ac, 1) - lm*lm, 0)
F['amount_z'] = np.where(ac >= 3, (np.log(np.maximum(amt, 0.01)) - lm) / np.maximum(np.sqrt(lvar), 0.25), 0)
# time since previous payment
prev_t = np.r_[-1, t[o][:-1]]
since = np.where(grp_start, -1, t[o] - prev_t)
F['card_since_prev_s'] = np.empty(n); F['card_since_prev_s'][o] = since
print('card history', time.time()-T0, file=sys.stderr)

# card's own confirmed frauds, by knownAt = t_j + DELAY
def label_counts(key, order, comp, w_list, prefix):
    # fraud events per key at time known = t+DELAY; for each row count frauds with known in (t-w, t]
    fidx = np.flatnonzero(fraud == 1)
    fk = key[fidx].astype(np.int64) * BIG + t[fidx] + DELAY
    fk.sort()
    q = key.astype(np.int64) * BIG + t
    upto = np.searchsorted(fk, q, side='right')  # known at or before t
    for name, w in w_list:
        lo = np.searchsorted(fk, q - w, side='right')
        F[f'{prefix}_fraud_{name}'] = (upto - lo).astype(float)
    # since last / first known fraud within 30d
    lo30 = np.searchsorted(fk, q - 30*DAY, side='right')
    has = upto > lo30
    last = np.where(has, fk[np.maximum(upto - 1, 0)] % BIG, 0)
    first = np.where(has, fk[np.minimum(lo30, len(fk)-1)] % BIG, 0)
    F[f'{prefix}_since_last_fraud_s'] = np.where(has, t - last, -1).astype(float)
    F[f'{prefix}_since_first_fraud_30d_s'] = np.where(has, t - first, -1).astype(float)
    # all-time known frauds
    kstart = np.searchsorted(fk, key.astype(np.int64) * BIG, side='left')
    F[f'{prefix}_fraud_all'] = (upto - kstart).astype(float)

label_counts(cust, o, comp, [('1d', DAY), ('7d', 7*DAY), ('30d', 30*DAY)], 'card')

o2, comp2 = grouped(term)
for name, w in [('1h', 3600), ('1d', DAY), ('7d', 7*DAY), ('30d', 30*DAY)]:
    c, s = window_stats(term, amt, w, o2, comp2)
    F[f'term_count_{name}'] = c
    if name != '1h':
        F[f'term_distinct_{name}'] = rolling_distinct(term, cust, w, o2, comp2)
print('terminal windows', time.time()-T0, file=sys.stderr)
label_counts(term, o2, comp2, [('1d', DAY), ('7d', 7*DAY), ('30d', 30*DAY)], 'term')
# matured transaction counts: terminal tx with t_j + DELAY in (t-w, t]  (Handbook's delay-shifted window)
q = term.astype(np.int64) * BIG + t
for name, w in [('1d', DAY), ('7d', 7*DAY), ('30d', 30*DAY)]:
    hi = np.searchsorted(comp2, q - DELAY, side='right')
    lo = np.searchsorted(comp2, q - DELAY - w, side='right')
    m = (hi - lo).astype(float)
    F[f'term_matured_{name}'] = m
    F[f'term_rate_{name}'] = np.where(m > 0, F[f'term_fraud_{name}'] / np.maximum(m, 1), 0)
    F[f'term_rate_now_{name}'] = F[f'term_fraud_{name}'] / F[f'term_count_{name}']
print('done', time.time()-T0, file=sys.stderr)
out = pd.DataFrame(F)
out['tid'] = df.tid.values; out['t'] = t; out['cust'] = cust; out['term'] = term
out['fraud'] = fraud
X = out
# flag of each payment: amount >= 3x the card's mean before it; counted over prior windows
X2 = X
flag = (X2.amount_ratio_hist.values >= 3).astype(np.float64)
for name, w in [('1d', DAY), ('7d', 7*DAY), ('30d', 30*DAY)]:
    c, s = window_stats(cust, flag, w, o, comp, include_current=False)
    X2[f'card_big_prior_{name}'] = s
print('added big_prior', file=sys.stderr)

# ---------------------------------------------------------------- distinct fraud cards per terminal
DAY = 86400; DELAY = 7 * DAY
t = X.t.values; term = X.term.values; cust = X.cust.values; fraud = X.fraud.values
fidx = np.flatnonzero(fraud == 1)
order = np.lexsort((t[fidx], term[fidx]))
fidx = fidx[order]
fterm = term[fidx]; fknown = t[fidx] + DELAY; fcard = cust[fidx]
BIG = 10**10
fk = fterm.astype(np.int64) * BIG + fknown
q = term.astype(np.int64) * BIG + t
upto = np.searchsorted(fk, q, side='right')
for name, w in [('7d', 7*DAY), ('30d', 30*DAY)]:
    lo = np.searchsorted(fk, q - w, side='right')
    out = np.zeros(len(X))
    for i in np.flatnonzero(upto > lo):
        out[i] = len(set(fcard[lo[i]:upto[i]].tolist()))
    X[f'term_fraud_cards_{name}'] = out
print('added', file=sys.stderr)

# ---------------------------------------------------------------- export: the 4 training and 4 test weeks
EXCL = ('tid', 't', 'cust', 'term', 'fraud')
cols = [c for c in X.columns if c not in EXCL]
EPOCH0 = int(dt.datetime(2018, 4, 1, tzinfo=dt.timezone.utc).timestamp())
day = (X.t.values - EPOCH0) // 86400
d0 = (int(dt.datetime(2018, 7, 25, tzinfo=dt.timezone.utc).timestamp()) - EPOCH0) // 86400
keep = (day >= d0) & (day < d0 + 42)   # 07-25 .. 09-04: the 4 training weeks and 4 test weeks
S = X[keep]
S[cols].to_numpy(dtype=np.float64).tofile(os.path.join(args.out, 'export.f64'))
meta = {'columns': cols, 'ids': S.tid.astype(str).tolist(), 'cards': ('C' + S.cust.astype(str)).tolist(), 't': S.t.astype(int).tolist(), 'fraud': S.fraud.astype(int).tolist()}
json.dump(meta, open(os.path.join(args.out, 'export.json'), 'w'))
print(len(S), len(cols))
