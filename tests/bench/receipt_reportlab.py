#!/usr/bin/python3
"""The receipt_vs_reportlab_ratio baseline: the same receipt drawn by ReportLab (Debian's
python3-reportlab) with the same Song face, AR PL SungtiL GB, subset and embedded as ReportLab
always does, and compressed like ours.

Usage: receipt_reportlab.py WORDS.txt ROUNDS OUT.pdf
WORDS.txt is `pdftotext -bbox` of our receipt: every word at its place and height. The script
registers the font once (as our renderer parses its fonts once), then draws the page ROUNDS
times, each time a whole new PDF in memory, and prints the milliseconds per receipt."""
import re
import sys
import time

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<')


def words(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = WORD.search(line)
            if m:
                x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
                text = m.group(5).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
                out.append((x0, y1, max(6.0, (y1 - y0) * 0.82), text))
    return out


def draw(placed, target):
    c = canvas.Canvas(target, pagesize=A4, pageCompression=1)
    height = A4[1]
    for x, bottom, size, text in placed:
        c.setFont("Song", size)
        c.drawString(x, height - bottom + size * 0.12, text)
    c.showPage()
    c.save()


def main():
    placed = words(sys.argv[1])
    rounds = int(sys.argv[2])
    pdfmetrics.registerFont(TTFont("Song", FONT))
    draw(placed, sys.argv[3])  # warm-up, and the file to look at
    start = time.perf_counter()
    for _ in range(rounds):
        import io
        draw(placed, io.BytesIO())
    print("%.3f" % ((time.perf_counter() - start) * 1000 / rounds))


if __name__ == "__main__":
    main()
