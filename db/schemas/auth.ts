import { z } from 'zod';

/** The roles that sign in to this app; students can't. */
export const staffRoles = ['admin', 'instructor', 'support'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** Emails are stored lower-case (the database insists), so they are compared that way too. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .pipe(z.email({ message: 'must be an email address such as ada@example.org' }));

/** At least 10 characters; long passphrases welcome. */
export const newPasswordSchema = z
  .string()
  .min(10, { message: 'must be at least 10 characters' })
  .max(1000, { message: 'must be at most 1000 characters' });

export const fullNameSchema = z.string().trim().min(1, { message: 'must not be empty' }).max(200);

export const setupInputSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  fullName: fullNameSchema,
});
export type SetupInput = z.infer<typeof setupInputSchema>;

export const signInInputSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, { message: 'must not be empty' }).max(1000),
});
export type SignInInput = z.infer<typeof signInInputSchema>;

/** Who is signed in, as every call sees it. */
export const sessionUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  fullName: z.string(),
  role: z.enum(staffRoles),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;
