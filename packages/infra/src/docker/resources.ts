/** @module Manifest `resources` (Kubernetes quantities) as Docker HostConfig limits. */
import { RacetrackError } from '@racetrack/core';
import type { JobInstanceSpec } from '../core/driver.ts';

const binarySuffixes: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimalSuffixes: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Parses a quantity such as `256Mi`, `1G`, `500m`, `0.5` into a number (bytes or cores). */
export function parseQuantity(text: string, field: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)([A-Za-z]{0,2})$/.exec(text.trim());
  const factor = match ? (binarySuffixes[match[2] as string] ?? decimalSuffixes[match[2] as string]) : undefined;
  if (!match || factor === undefined) {
    throw new RacetrackError('MANIFEST_INVALID', `resources.${field} "${text}" is not a quantity (examples: 256Mi, 1Gi, 500m, 0.5)`, { details: { field: `resources.${field}` } });
  }
  return Number(match[1]) * factor;
}

/** The HostConfig fields for `resources`: memory_max → Memory, memory_min → MemoryReservation, cpu_max → NanoCpus, cpu_min → CpuShares. */
export function resourceLimits(resources: JobInstanceSpec['resources']): { Memory?: number; MemoryReservation?: number; NanoCpus?: number; CpuShares?: number } {
  const limits: { Memory?: number; MemoryReservation?: number; NanoCpus?: number; CpuShares?: number } = {};
  if (!resources) return limits;
  if (resources.memory_max) limits.Memory = Math.round(parseQuantity(resources.memory_max, 'memory_max'));
  if (resources.memory_min) limits.MemoryReservation = Math.round(parseQuantity(resources.memory_min, 'memory_min'));
  if (limits.Memory !== undefined && limits.MemoryReservation !== undefined && limits.MemoryReservation > limits.Memory) {
    throw new RacetrackError('MANIFEST_INVALID', 'resources.memory_min must not exceed resources.memory_max', { details: { field: 'resources.memory_min' } });
  }
  if (resources.cpu_max) limits.NanoCpus = Math.round(parseQuantity(resources.cpu_max, 'cpu_max') * 1e9);
  // CPU shares are relative weights (1024 = one core's worth); Docker has no guaranteed minimum.
  if (resources.cpu_min) limits.CpuShares = Math.max(2, Math.round(parseQuantity(resources.cpu_min, 'cpu_min') * 1024));
  return limits;
}
