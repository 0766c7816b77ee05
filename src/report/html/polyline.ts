/**
 * Google's encoded polyline format (what Strava's `map.summary_polyline` holds): each
 * coordinate is the difference from the previous one, times 1e5, zig-zag signed and written in
 * 5-bit groups from the least significant, each group + 63 as one character, 0x20 marking that
 * another group follows.
 */

/** The [lat, lng] points of an encoded polyline; throws on a truncated or foreign string. */
export function decodePolyline(encoded: string): [number, number][] {
  const points: [number, number][] = [];
  let index = 0;
  let lat = 0;
  let lng = 0;
  const next = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (index >= encoded.length) throw new Error('polyline: truncated value');
      const byte = encoded.charCodeAt(index++) - 63;
      if (byte < 0 || byte > 63) throw new Error('polyline: character outside the format');
      // Multiplication, not <<: a long value's groups would overflow 32-bit shifts.
      result += (byte & 0x1f) * 2 ** shift;
      shift += 5;
      if (byte < 0x20) break;
    }
    return result % 2 === 1 ? -(result + 1) / 2 : result / 2;
  };
  while (index < encoded.length) {
    lat += next();
    lng += next();
    points.push([lat / 1e5, lng / 1e5]);
  }
  return points;
}

/** Encodes [lat, lng] points (rounded to 1e-5 degrees): the inverse of decodePolyline. */
export function encodePolyline(points: readonly (readonly [number, number])[]): string {
  let out = '';
  let prevLat = 0;
  let prevLng = 0;
  const put = (delta: number) => {
    let v = delta < 0 ? -2 * delta - 1 : 2 * delta;
    while (v >= 0x20) {
      out += String.fromCharCode((0x20 | (v % 32)) + 63);
      v = Math.floor(v / 32);
    }
    out += String.fromCharCode(v + 63);
  };
  for (const [la, ln] of points) {
    const lat = Math.round(la * 1e5);
    const lng = Math.round(ln * 1e5);
    put(lat - prevLat);
    put(lng - prevLng);
    prevLat = lat;
    prevLng = lng;
  }
  return out;
}
