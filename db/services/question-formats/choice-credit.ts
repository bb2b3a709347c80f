import type { Question } from '../../schemas/quiz-options';

/**
 * Moodle grades a choice by its fraction (its credit, as a percentage) alone; the question model
 * also marks choices correct. GIFT and Moodle XML read the mark from the fraction: in a single
 * choice question only a 100% choice is correct, in a multiple choice one any with credit. A
 * choice's weight is kept only where it differs from the default of its mark (100 or 0).
 */

type ChoiceQuestion = Extract<Question, { kind: 'single' | 'multiple' }>;
type Choice = ChoiceQuestion['choices'][number];

/** The credit Moodle gives a choice: its weight, else 100 when correct and 0 when not. */
export function fractionOfChoice(choice: Pick<Choice, 'correct' | 'weight'>): number {
  return choice.weight ?? (choice.correct ? 100 : 0);
}

/** A choice's mark and weight from Moodle's fraction. */
export function choiceCredit(
  kind: ChoiceQuestion['kind'],
  fraction: number,
): { correct: boolean; weight?: number } {
  const correct = kind === 'single' ? fraction === 100 : fraction > 0;
  return fraction === (correct ? 100 : 0) ? { correct } : { correct, weight: fraction };
}

/** Whether the choice's mark agrees with its weight as Moodle reads it (else it reads back otherwise). */
export function isCreditExpressible(kind: ChoiceQuestion['kind'], choice: Choice): boolean {
  return choiceCredit(kind, fractionOfChoice(choice)).correct === choice.correct;
}
