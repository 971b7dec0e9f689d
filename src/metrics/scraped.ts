/**
 * prom-client metrics whose values are read at scrape time from the meters (meters.ts)
 * and the domain's live state, instead of being pushed on the hot path. Each one is a
 * prom-client Counter, Gauge or Histogram registered in the server's Registry, with its
 * `get()` (what the registry renders) answering from a sample function. Series of deleted
 * streams, queues or consumers vanish with them: nothing has to be removed.
 */
import { Counter, Gauge, Histogram, type MetricObjectWithValues, type MetricValue, type MetricValueWithName, type Registry } from 'prom-client'
import type { HistogramCell } from './meters.js'

export type Labels = Record<string, string>

/** One series: its labels and its value. */
export type Sample = readonly [Labels, number]

export type Sampler = () => Iterable<Sample> | Promise<Iterable<Sample>>

export type HistogramSampler = () => Iterable<readonly [Labels, HistogramCell]>

interface Definition {
  readonly name: string
  readonly help: string
  readonly registry: Registry
}

async function valuesOf (sample: Sampler): Promise<Array<MetricValue<string>>> {
  const values: Array<MetricValue<string>> = []
  for (const [labels, value] of await sample()) values.push({ labels, value })
  return values
}

class ScrapedCounter extends Counter {
  constructor (definition: Definition, private readonly sample: Sampler) {
    super({ name: definition.name, help: definition.help, registers: [definition.registry] })
  }

  override async get (): Promise<MetricObjectWithValues<MetricValue<string>>> {
    const base = await super.get()
    return { ...base, values: await valuesOf(this.sample) }
  }
}

class ScrapedGauge extends Gauge {
  constructor (definition: Definition, private readonly sample: Sampler) {
    super({ name: definition.name, help: definition.help, registers: [definition.registry] })
  }

  override async get (): Promise<MetricObjectWithValues<MetricValue<string>>> {
    const base = await super.get()
    return { ...base, values: await valuesOf(this.sample) }
  }
}

class ScrapedHistogram extends Histogram {
  constructor (definition: Definition, private readonly bounds: readonly number[], private readonly sample: HistogramSampler) {
    super({ name: definition.name, help: definition.help, registers: [definition.registry], buckets: [...bounds] })
  }

  override async get (): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    return await this.getForPromString()
  }

  /** What the registry renders (prom-client's Histogram renders from this, not from get). */
  async getForPromString (): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const base = await (Histogram.prototype as unknown as { getForPromString: () => Promise<MetricObjectWithValues<MetricValueWithName<string>>> }).getForPromString.call(this)
    const name = base.name
    const values: Array<MetricValueWithName<string>> = []
    for (const [labels, cell] of this.sample()) {
      let cumulative = 0
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += cell.counts[i]!
        values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: this.bounds[i]! }, value: cumulative })
      }
      values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cell.count })
      values.push({ metricName: `${name}_sum`, labels, value: cell.sum })
      values.push({ metricName: `${name}_count`, labels, value: cell.count })
    }
    return { ...base, values }
  }
}

/** A counter (`name` ends in `_total`) read from `sample` at every scrape. */
export function scrapedCounter (definition: Definition, sample: Sampler): Counter {
  if (!definition.name.endsWith('_total')) throw new TypeError(`counter ${definition.name} must end in _total`)
  return new ScrapedCounter(definition, sample)
}

export function scrapedGauge (definition: Definition, sample: Sampler): Gauge {
  return new ScrapedGauge(definition, sample)
}

export function scrapedHistogram (definition: Definition, bounds: readonly number[], sample: HistogramSampler): Histogram {
  return new ScrapedHistogram(definition, bounds, sample)
}
