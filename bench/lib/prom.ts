// Reads Prometheus text (GET /metrics) into name{labels} → value.
export type PromSample = Map<string, number>;

export function parseProm(text: string): PromSample {
  const samples: PromSample = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    const value = Number(line.slice(space + 1));
    if (!Number.isNaN(value)) samples.set(line.slice(0, space), value);
  }
  return samples;
}

/** The value of `name` (optionally with exact labels such as `{transport="sse"}`), or NaN. */
export function promValue(samples: PromSample, name: string, labels = ""): number {
  return samples.get(`${name}${labels}`) ?? NaN;
}
