// Query-string parsing for list endpoints, validated at the edge.
import { z } from 'zod';
import { badRequest } from './errors.ts';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2048).optional(),
});

export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string | undefined> | undefined): z.infer<S> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '), 'invalid_query');
  return parsed.data;
}
