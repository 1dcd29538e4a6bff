#!/usr/bin/env python3
"""Score `sluice segment` on the held-out domain sentences.

Usage: heldout_score.py SLUICE_BIN SHARED_DIR [DATA_FILE] [--show]

DATA_FILE (default tests/unit/stages/segment/data/education_heldout.txt) holds fully segmented
sentences with [term] and {trap words} markup. Reports the share of marked terms that come out
as one token, of trap words that come out as written, of sentences that match the gold exactly,
and the word F1 of shared/tools/score_cws.py used as it is. --show lists every miss.
"""
import os
import subprocess
import sys
import tempfile


def parse(line):
    """Returns (words, terms, traps): terms/traps as word-index ranges [b, e)."""
    words, terms, traps = [], [], []
    for tok in line.split(' '):
        if not tok:
            continue
        opens_term = opens_group = closes_term = closes_group = False
        if tok.startswith('['):
            opens_term, tok = True, tok[1:]
        if tok.startswith('{'):
            opens_group, tok = True, tok[1:]
        if tok.endswith(']'):
            closes_term, tok = True, tok[:-1]
        if tok.endswith('}'):
            closes_group, tok = True, tok[:-1]
        if opens_term:
            term_start = len(words)
        if opens_group:
            group_start = len(words)
        words.append(tok)
        if closes_term:
            terms.append((term_start, len(words)))
        if closes_group:
            traps.append((group_start, len(words)))
    return words, terms, traps


def spans(words):
    out, at = [], 0
    for w in words:
        out.append((at, at + len(w)))
        at += len(w)
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    show = '--show' in sys.argv
    if len(args) < 2:
        sys.exit(__doc__)
    sluice, shared = args[0], args[1]
    here = os.path.dirname(os.path.abspath(__file__))
    data = args[2] if len(args) > 2 else os.path.join(
        here, '..', '..', 'unit', 'stages', 'segment', 'data', 'education_heldout.txt')
    sentences = []
    with open(data, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line and not line.startswith('#'):
                sentences.append(parse(line))
    text = '\n'.join(''.join(w) for w, _, _ in sentences) + '\n'
    out = subprocess.run([sluice, 'segment'], input=text.encode(), capture_output=True, check=True)
    predicted = out.stdout.decode().split('\n')[:len(sentences)]

    term_ok = term_n = trap_ok = trap_n = exact = 0
    misses = []
    for (words, terms, traps), pred_line in zip(sentences, predicted):
        gold_spans = spans(words)
        pred = pred_line.split(' ')
        pred_spans = set(spans(pred))
        if pred == words:
            exact += 1
        for b, e in terms:
            term_n += 1
            span = (gold_spans[b][0], gold_spans[e - 1][1])
            if span in pred_spans:
                term_ok += 1
            else:
                misses.append('term ' + ''.join(words[b:e]) + ' | ' + pred_line)
        for b, e in traps:
            for i in range(b, e):
                trap_n += 1
                if gold_spans[i] in pred_spans:
                    trap_ok += 1
                else:
                    misses.append('trap ' + words[i] + ' | ' + pred_line)
        if show and pred != words:
            misses.append('diff gold: ' + ' '.join(words) + '\n     got:  ' + pred_line)

    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = os.path.join(tmp, 'gold'), os.path.join(tmp, 'pred')
        with open(gold_path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(' '.join(w) for w, _, _ in sentences) + '\n')
        with open(pred_path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(predicted) + '\n')
        score = subprocess.run([sys.executable, os.path.join(shared, 'tools', 'score_cws.py'), gold_path, pred_path],
                               capture_output=True, text=True, check=True).stdout
    if show:
        print('\n'.join(misses))
    n = len(sentences)
    print(f'sentences {n}: exact {exact}/{n} = {exact / n:.1%}')
    print(f'terms whole {term_ok}/{term_n} = {term_ok / term_n:.1%}')
    print(f'trap words {trap_ok}/{trap_n} = {trap_ok / trap_n:.1%}')
    print(score.strip())


if __name__ == '__main__':
    main()
