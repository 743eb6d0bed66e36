#!/bin/sh
# Renders the PNG sizes of the icon (onewindow-48/128/256.png, committed) with ImageMagick's
# drawing primitives from the same shapes as onewindow.svg (Debian's ImageMagick has no SVG
# renderer without librsvg's delegate): drawn at 1024 px, scaled down.
set -e
cd "$(dirname "$0")"
# The SVG's 256-unit coordinates, times 4.
convert -size 1024x1024 xc:none \
    -fill '#b8232f' -draw 'roundrectangle 32,32 991,991 176,176' \
    -fill '#ffffff' -draw 'roundrectangle 192,176 831,687 40,40' \
    -fill '#f4d27a' -draw 'roundrectangle 240,224 783,639 16,16' \
    -fill '#ffffff' -draw 'rectangle 496,224 527,639' \
    -fill '#ffffff' -draw 'rectangle 240,416 783,447' \
    -fill '#ffffff' -draw 'roundrectangle 128,704 895,783 24,24' \
    -fill '#ffffff' -stroke '#b8232f' -strokewidth 16 -draw 'roundrectangle 384,600 639,775 12,12' \
    -stroke none -fill '#b8232f' -draw 'rectangle 424,648 599,667' \
    -fill '#b8232f' -draw 'rectangle 424,696 543,715' \
    -fill '#f4d27a' -draw 'roundrectangle 128,832 895,879 24,24' \
    big.png
for size in 48 128 256; do
    convert big.png -resize "${size}x${size}" -depth 8 -strip "onewindow-$size.png"
done
rm big.png
