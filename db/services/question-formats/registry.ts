import type { QuestionFormatName } from '../../schemas/question-formats';
import { aikenFormat } from './aiken';
import { csvFormat } from './csv';
import { giftFormat } from './gift';
import { jsonFormat } from './json';
import { moodleXmlFormat } from './moodle-xml';
import type { QuestionFormat } from './question-file';

/** Every question file format, by name. */
export const questionFileFormats: Record<QuestionFormatName, QuestionFormat> = {
  gift: giftFormat,
  aiken: aikenFormat,
  'moodle-xml': moodleXmlFormat,
  csv: csvFormat,
  json: jsonFormat,
};

/** Aiken's closing line; a GIFT file has answer blocks instead. */
const AIKEN_ANSWER_LINE = /^ANSWER:\s*[A-Z]/m;

/**
 * The format of a file without a stated one, and why: by its name's ending (`.gift.txt` and
 * `.aiken.txt` included, as Moodle's own files are named), and for a bare `.txt` (which Moodle
 * writes GIFT and Aiken alike as) by its content: Aiken if it has an `ANSWER: X` line and no
 * `{`, GIFT otherwise. Undefined when the name says nothing; the caller then asks for a format.
 */
export function guessQuestionFormat(
  fileName: string,
  content: string,
): { format: QuestionFormatName; reason: string } | undefined {
  const name = fileName.toLowerCase();
  for (const format of Object.values(questionFileFormats)) {
    const ending = format.extensions.find((extension) => name.endsWith(extension));
    if (ending) return { format: format.name, reason: `guessed from the file name's ${ending}` };
  }
  if (name.endsWith('.txt')) {
    const isAiken = AIKEN_ANSWER_LINE.test(content) && !content.includes('{');
    return {
      format: isAiken ? 'aiken' : 'gift',
      reason: isAiken
        ? 'guessed from .txt and its ANSWER: lines'
        : 'guessed from .txt (GIFT, as Moodle exports it)',
    };
  }
  return undefined;
}
