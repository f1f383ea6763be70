/** The options of `kuryr-services plan`, checked and typed. */
import { z } from 'zod';

/** Output formats of `plan`. */
export const OUTPUT_FORMATS = ['table', 'json'] as const;

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** A size like `16Mi`, `512Ki` or `1000000` (bytes) → bytes. */
const byteSize = z
  .string()
  .regex(/^\d+(Ki|Mi|Gi)?$/, 'must be a number of bytes, optionally with Ki, Mi or Gi (e.g. 16Mi)')
  .transform((text) => {
    const unit = /(Ki|Mi|Gi)$/.exec(text)?.[0] ?? '';
    return Number(text.slice(0, text.length - unit.length)) * (SIZE_UNITS[unit] ?? 1);
  })
  .refine((bytes) => bytes >= 1 && Number.isSafeInteger(bytes), 'must be at least 1 byte');

const flagsSchema = z.object({
  filename: z.array(z.string().min(1)).min(1),
  config: z.string().min(1).optional(),
  subnets: z.string().min(1).optional(),
  serviceSubnet: z.array(z.string().min(1)).default([]),
  podSubnet: z.array(z.string().min(1)).default([]),
  octaviaApi: z.string().min(1).optional(),
  provider: z.enum(['amphora', 'ovn']).optional(),
  legacyLbaasV2: z.boolean().default(false),
  // Same rule as kuryr.conf [kuryr_services] cluster_id: it becomes part of a Neutron tag.
  clusterId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,40}$/, 'must be 1 to 40 characters from A-Z a-z 0-9 . _ -')
    .optional(),
  memberMode: z.enum(['L2', 'L3']).optional(),
  output: z.enum(OUTPUT_FORMATS).default('table'),
  maxFileSize: byteSize.optional(),
  maxTotalSize: byteSize.optional(),
});

/** `plan`'s options after commander parsed them. */
export type PlanFlags = z.infer<typeof flagsSchema>;

/** A flag value commander accepted but `plan` cannot use. */
export class PlanUsageError extends Error {
  override readonly name = 'PlanUsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`kuryr-services plan: ${message}`, options);
  }
}

/** Types commander's option values; throws PlanUsageError naming the bad option. */
export function parsePlanFlags(values: unknown): PlanFlags {
  const result = flagsSchema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const option = String(issue?.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  throw new PlanUsageError(`option --${option}: ${issue?.message ?? 'invalid'}`, { cause: result.error });
}

/** Repeatable option collector for commander. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
