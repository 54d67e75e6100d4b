// Reading a chart back from its canvas: how many pixels of a colour it has, in thirds of its
// width, so a test can tell which points were drawn where (no chart library state is trusted).
import type { Locator } from 'playwright-core';

export interface ColourColumns {
  left: number;
  middle: number;
  right: number;
}

export async function canvasColumnsWithColour(canvas: Locator, rgb: [number, number, number]): Promise<ColourColumns> {
  return canvas.evaluate((node, colour) => {
    const c = node as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const out = { left: 0, middle: 0, right: 0 };
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 200 && Math.abs(data[i]! - colour[0]) < 30 && Math.abs(data[i + 1]! - colour[1]) < 30 && Math.abs(data[i + 2]! - colour[2]) < 30) {
        const x = (i / 4) % c.width;
        if (x < c.width / 3) out.left++;
        else if (x < (2 * c.width) / 3) out.middle++;
        else out.right++;
      }
    }
    return out;
  }, rgb);
}
