"""Count what makes the book hard to read, at a git ref (or the working tree with WORK):

    python tools/book_counts.py HEAD
    python tools/book_counts.py e9ccfee

README lines, words, numbers and dates; per chapter: code cells over 30 lines, code lines over 100 characters,
and numbers in markdown prose (code spans and link targets left out).
"""
import json, os, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NUMBER = re.compile(r'(?<![\w.])\d[\d,]*(?:\.\d+)?%?')
NOT_PROSE = re.compile(r'`[^`]*`|\(http[^)]*\)|\]\([^)]*\)')

def show(ref: str, path: str) -> str:
    "A file's text at `ref` ('WORK': the working tree)."
    if ref == 'WORK': return (ROOT/path).read_text(encoding='utf-8')
    return subprocess.run(['git', 'show', f'{ref}:{path}'], capture_output=True, text=True, cwd=ROOT).stdout

def notebooks(ref: str) -> list[str]:
    "The notebook names in nbs/ at `ref`."
    names = os.listdir(ROOT/'nbs') if ref == 'WORK' else subprocess.run(
        ['git', 'ls-tree', '--name-only', f'{ref}:nbs'], capture_output=True, text=True, cwd=ROOT).stdout.split()
    return sorted(n for n in names if n.endswith('.ipynb'))

def chapter_counts(nb: dict) -> tuple[int, int, int]:
    "Code cells over 30 lines, code lines over 100 characters, numbers in prose."
    text = lambda c: ''.join(c['source']) if isinstance(c['source'], list) else c['source']
    code = [text(c) for c in nb['cells'] if c['cell_type'] == 'code']
    prose = [text(c) for c in nb['cells'] if c['cell_type'] == 'markdown']
    return (sum(len(s.splitlines()) > 30 for s in code), sum(len(l) > 100 for s in code for l in s.splitlines()),
            sum(len(NUMBER.findall(NOT_PROSE.sub('', s))) for s in prose))

def main(ref: str) -> None:
    readme = show(ref, 'README.md')
    print(f"{ref}: README {len(readme.splitlines())} lines, {len(readme.split())} words, "
          f"{len(NUMBER.findall(readme))} numbers, {len(re.findall(r'20[0-9]{2}-[0-9]{2}-[0-9]{2}', readme))} dates")
    print(f"{'chapter':24} {'cells>30 lines':>14} {'lines>100 chars':>15} {'numbers in prose':>16}")
    total = [0, 0, 0]
    for name in notebooks(ref):
        counts = chapter_counts(json.loads(show(ref, f'nbs/{name}')))
        total = [t + c for t, c in zip(total, counts)]
        print(f'{name:24} {counts[0]:14} {counts[1]:15} {counts[2]:16}')
    print(f"{'total':24} {total[0]:14} {total[1]:15} {total[2]:16}")

if __name__ == '__main__': main(sys.argv[1] if len(sys.argv) > 1 else 'HEAD')
