"""Draw the installed app's PNG icons from the same design as static/img/icon.svg (run once, commit the PNGs).

    .venv/bin/python docs/make_icons.py

Full-bleed blue with "CX" inside the maskable safe zone (the central 80 %), so one file
serves both the "any" and the "maskable" purposes.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BLUE, WHITE = "#0d6efd", "#ffffff"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
OUT = Path(__file__).resolve().parents[1] / "static" / "img"

for size in (192, 512):
    image = Image.new("RGB", (size, size), BLUE)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, int(size * 0.36))
    draw.text((size / 2, size / 2), "CX", fill=WHITE, font=font, anchor="mm")
    image.save(OUT / f"icon-{size}.png", optimize=True)
