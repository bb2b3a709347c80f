/**
 * GIFT, Moodle's text format for questions (https://docs.moodle.org/en/GIFT_format), read and
 * written as Moodle's own `qformat_gift` does, so files move between Moodle and LMS Admin.
 *
 * Reading: questions are separated by blank lines; `//` lines are comments; `$CATEGORY: path`
 * starts a category (each category becomes a quiz, named by the path without its `$course$/`
 * context); `::title::`; `[html]`, `[markdown]`, `[plain]`, `[moodle]` (the default) before any
 * text; one answer block `{…}` per question: `=` correct and `~` wrong choices, `%50%` or `%-25%`
 * credit, `#feedback` after an answer, `####general feedback` last; `{T}`, `{TRUE#wrong#right}`;
 * `{#3:2}`, `{#1..5}`, `{# =3:0 =%50%3:1 ~#feedback for any other}`; `{=prompt -> answer}`
 * matching (an empty prompt is a distractor); `{}` essay; text after the block makes a
 * missing-word question, whose text keeps `_____` where the block stood. Escapes: `\~ \= \# \{
 * \} \:`, `\\` for a backslash and `\n` for a line break; any other backslash is literal.
 * Moodle's export writes `// question: ID` before each question: that ID, when it fits, becomes
 * the question's id, so an exported file keeps its ids. Texts are trimmed, as Moodle does.
 *
 * Not expressible in GIFT (export notes them): points, tags, case-sensitive short answers, and
 * choice ids (choices are a, b, c… in order). A question text without an answer block is
 * Moodle's "description", which LMS Admin has no kind for: reported as unsupported.
 */
import type { FormatProblem } from '../../schemas/question-formats';
import { textFormats, type Question } from '../../schemas/quiz-options';
import { choiceCredit, fractionOfChoice, isCreditExpressible } from './choice-credit';
import {
  choiceIdAt,
  normalizeLineEnds,
  TextPositions,
  type ParsedQuestionFile,
  type QuestionDraftFields,
  type QuestionFormat,
  type QuizDraft,
  type QuizToWrite,
  type TextFormat,
  type WriteNote,
} from './question-file';

/** GIFT's format when a text names none. */
const DEFAULT_FORMAT: TextFormat = 'moodle';
const BLANK = '_____';
const CATEGORY = '$CATEGORY:';
/** A credit such as `%50%`, `%-25%` or `%33.3333%` at the start of an answer. */
const WEIGHT = /^%([^%\s]*)%/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const QUESTION_ID_COMMENT = /^\s*\/\/\s*question:\s*([A-Za-z0-9_.:-]{1,100})(\s|$)/;
/** Moodle's category paths start with a context such as `$course$/`. */
const CATEGORY_CONTEXT = /^\$[a-z0-9]+\$\//;

/** The offset of `token` in `text` between `from` and `to`, skipping backslash escapes; -1 if none. */
function indexOfUnescaped(text: string, token: string, from: number, to: number): number {
  for (let index = from; index < to; index++) {
    if (text[index] === '\\') index++;
    else if (text.startsWith(token, index) && index + token.length <= to) return index;
  }
  return -1;
}

function lastIndexOfUnescaped(text: string, token: string, from: number, to: number): number {
  let found = -1;
  for (let index = from; index < to; index++) {
    if (text[index] === '\\') index++;
    else if (text.startsWith(token, index) && index + token.length <= to) {
      found = index;
      index += token.length - 1;
    }
  }
  return found;
}

const ESCAPED: Record<string, string> = {
  '\\': '\\',
  n: '\n',
  '~': '~',
  '=': '=',
  '#': '#',
  '{': '{',
  '}': '}',
  ':': ':',
};

function unescapeGift(raw: string): string {
  return raw.replace(/\\([\s\S])/g, (escape, character: string) => ESCAPED[character] ?? escape);
}

function escapeGift(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\\~=#{}:\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

interface FormattedText {
  text: string;
  format: TextFormat;
}

/** A text that may start with `[format]`, unescaped and trimmed (Moodle's parse_text_with_format). */
function textWithFormat(raw: string, defaultFormat: TextFormat): FormattedText {
  let text = raw.trim();
  let format = defaultFormat;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    const name = text.slice(1, end);
    if (end > 0 && (textFormats as readonly string[]).includes(name)) {
      format = name as TextFormat;
      text = text.slice(end + 1);
    }
  }
  return { text: unescapeGift(text).trim(), format };
}

/** One answer of an answer block: from its marker (`=` or `~`, absent for a leading one) to the next. */
interface Segment {
  marker: '=' | '~' | '';
  /** Offsets of its content, after the marker. */
  start: number;
  end: number;
}

function segmentsOf(text: string, markers: string, from: number, to: number): Segment[] {
  const segments: Segment[] = [];
  let current: Segment = { marker: '', start: from, end: to };
  for (let index = from; index < to; index++) {
    const character = text[index] ?? '';
    if (character === '\\') index++;
    else if (markers.includes(character)) {
      segments.push({ ...current, end: index });
      current = { marker: character as '=' | '~', start: index + 1, end: to };
    }
  }
  segments.push(current);
  return segments;
}

/** Reads one GIFT file. */
function parseGift(source: string): ParsedQuestionFile {
  const text = normalizeLineEnds(source);
  const positions = new TextPositions(text);
  const problems: FormatProblem[] = [];
  const notes: FormatProblem[] = [];
  const quizzes: QuizDraft[] = [];
  let quiz: QuizDraft = { title: null, line: 1, questions: [] };
  quizzes.push(quiz);

  // Comment lines become spaces, so every offset still points into `text`.
  const lines = text.split('\n');
  let masked = '';
  let offset = 0;
  const blocks: { start: number; end: number; questionId?: string }[] = [];
  let block: { start: number; end: number; questionId?: string } | undefined;
  for (const line of lines) {
    const isComment = line.trimStart().startsWith('//');
    masked += `${isComment ? ' '.repeat(line.length) : line}\n`;
    if (line.trim() === '') block = undefined;
    else {
      if (!block) {
        block = { start: offset, end: offset };
        blocks.push(block);
      }
      block.end = offset + line.length;
      const id = isComment ? QUESTION_ID_COMMENT.exec(line)?.[1] : undefined;
      if (id !== undefined) block.questionId = id;
    }
    offset += line.length + 1;
  }

  for (const { start: blockStart, end: blockEnd, questionId } of blocks) {
    let start = blockStart;
    while (start < blockEnd && /\s/.test(masked[start] ?? '')) start++;
    if (start >= blockEnd) continue;
    if (masked.startsWith(CATEGORY, start)) {
      const lineEnd = masked.indexOf('\n', start);
      const path = masked.slice(start + CATEGORY.length, lineEnd).trim();
      quiz = {
        title: path.replace(CATEGORY_CONTEXT, '') || path,
        line: positions.at(start).line,
        questions: [],
      };
      quizzes.push(quiz);
      // A question right under the category line, without the blank line Moodle expects.
      start = lineEnd + 1;
      while (start < blockEnd && /\s/.test(masked[start] ?? '')) start++;
      if (start >= blockEnd) continue;
    }
    const read = readQuestion(masked, start, blockEnd, positions);
    problems.push(...read.problems);
    notes.push(...read.notes);
    if (read.question) {
      const question =
        questionId === undefined ? read.question : { ...read.question, id: questionId };
      quiz.questions.push({ line: positions.at(start).line, question });
    }
  }
  // Moodle's exports name parent categories (`$course$/top`) that hold no question themselves.
  return {
    quizzes: quizzes.filter((each) => each.questions.length > 0),
    problems,
    notes,
  };
}

interface ReadQuestion {
  question?: QuestionDraftFields;
  problems: FormatProblem[];
  notes: FormatProblem[];
}

/** Reads the question in `text` from `start` to `end` (trimmed at the start, not the end). */
function readQuestion(
  text: string,
  start: number,
  blockEnd: number,
  positions: TextPositions,
): ReadQuestion {
  const problems: FormatProblem[] = [];
  const notes: FormatProblem[] = [];
  let end = blockEnd;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
  let position = start;
  let title: string | undefined;
  const problemAt = (at: number, message: string, feature?: string): void => {
    problems.push({
      ...positions.at(at),
      message,
      ...(title && { questionTitle: title }),
      ...(feature && { feature }),
    });
  };

  if (text.startsWith('::', position)) {
    const close = indexOfUnescaped(text, '::', position + 2, end);
    if (close === -1) {
      problemAt(position, 'the title opened with :: has no closing :: (write \\: for a colon)');
      return { problems, notes };
    }
    title = unescapeGift(text.slice(position + 2, close)).trim() || undefined;
    position = close + 2;
  }

  const open = indexOfUnescaped(text, '{', position, end);
  const close = indexOfUnescaped(text, '}', position, end);
  if (open === -1 && close === -1) {
    problemAt(
      position,
      'has no answer block {…}: that is a Moodle "description", which LMS Admin has no question kind for (add {} to make it an essay)',
      'description',
    );
    return { problems, notes };
  }
  if (open !== -1 && close === -1) {
    problemAt(open, 'the answer block opened here has no closing }');
    return { problems, notes };
  }
  if (open === -1 || close < open) {
    problemAt(close, 'this } closes no answer block (write \\} for a brace in text)');
    return { problems, notes };
  }
  const nested = indexOfUnescaped(text, '{', open + 1, close);
  if (nested !== -1) {
    problemAt(nested, 'a { inside an answer block: write \\{ for a brace in an answer');
    return { problems, notes };
  }
  const second = indexOfUnescaped(text, '{', close + 1, end);
  const strayClose = indexOfUnescaped(text, '}', close + 1, end);
  if (second !== -1 || strayClose !== -1) {
    problemAt(
      second !== -1 ? second : strayClose,
      'a question has one answer block {…}: write \\{ and \\} for braces in its text',
    );
    return { problems, notes };
  }

  const after = text.slice(close + 1, end);
  const questionRaw =
    after.trim() === ''
      ? text.slice(position, open)
      : `${text.slice(position, open)}${BLANK}${after}`;
  const questionText = textWithFormat(questionRaw, DEFAULT_FORMAT);
  const format = questionText.format;

  /** The text of a feedback; a format other than the question's is noted, as it isn't kept. */
  const feedbackAt = (from: number, to: number): string | undefined => {
    const feedback = textWithFormat(text.slice(from, to), format);
    if (feedback.text !== '' && feedback.format !== format) {
      notes.push({
        ...positions.at(from),
        message: `feedback in [${feedback.format}] is kept in the question's format, [${format}]`,
        ...(title && { questionTitle: title }),
      });
    }
    return feedback.text === '' ? undefined : feedback.text;
  };

  let answersEnd = close;
  const generalAt = lastIndexOfUnescaped(text, '####', open + 1, close);
  let feedback: string | undefined;
  if (generalAt !== -1) {
    feedback = feedbackAt(generalAt + 4, close);
    answersEnd = generalAt;
  }
  let answersStart = open + 1;
  while (answersStart < answersEnd && /\s/.test(text[answersStart] ?? '')) answersStart++;
  while (answersEnd > answersStart && /\s/.test(text[answersEnd - 1] ?? '')) answersEnd--;

  const base = {
    ...(title !== undefined && { title }),
    text: questionText.text,
    textFormat: format,
    ...(feedback !== undefined && { feedback }),
  };
  const answers = text.slice(answersStart, answersEnd);
  const has = (token: string): boolean =>
    indexOfUnescaped(text, token, answersStart, answersEnd) !== -1;

  /** A leading `%credit%` of the segment: the credit and where the rest starts. */
  const creditOf = (segment: Segment): { credit?: number; rest: number; isValid: boolean } => {
    let rest = segment.start;
    while (rest < segment.end && /\s/.test(text[rest] ?? '')) rest++;
    const match = WEIGHT.exec(text.slice(rest, segment.end));
    if (!match) return { rest, isValid: true };
    const credit = Number(match[1]);
    if (!NUMBER.test(match[1] ?? '') || credit < -100 || credit > 100) {
      problemAt(rest, `the credit ${match[0]} must be a percentage from -100 to 100, e.g. %50%`);
      return { rest, isValid: false };
    }
    return { credit, rest: rest + match[0].length, isValid: true };
  };
  /** Splits a segment's text at its first `#` into its text and feedback. */
  const withFeedback = (from: number, to: number): { textEnd: number; feedback?: string } => {
    const hash = indexOfUnescaped(text, '#', from, to);
    if (hash === -1) return { textEnd: to };
    const answerFeedback = feedbackAt(hash + 1, to);
    return { textEnd: hash, ...(answerFeedback !== undefined && { feedback: answerFeedback }) };
  };
  const refuseLeadingText = (segments: Segment[], what: string): boolean => {
    const [leading] = segments;
    if (leading && leading.marker === '' && text.slice(leading.start, leading.end).trim() !== '') {
      let at = leading.start;
      while (/\s/.test(text[at] ?? '')) at++;
      problemAt(at, `text before the first answer: start every ${what}`);
      return true;
    }
    return false;
  };

  let question: QuestionDraftFields | undefined;
  if (answers === '') {
    question = { ...base, kind: 'essay' };
  } else if (answers.startsWith('#')) {
    question = readNumerical();
  } else if (has('~')) {
    const segments = segmentsOf(text, '~=', answersStart, answersEnd);
    if (refuseLeadingText(segments, 'choice with = (correct) or ~ (wrong or partly right)')) {
      return { problems, notes };
    }
    const kind = has('=') ? 'single' : 'multiple';
    const choices = segments
      .filter((segment) => segment.marker !== '')
      .map((segment, index) => {
        // As in Moodle, `=` is a full-credit choice and takes no %credit%.
        const { credit, rest } =
          segment.marker === '=' ? { credit: 100, rest: segment.start } : creditOf(segment);
        const { textEnd, feedback: choiceFeedback } = withFeedback(rest, segment.end);
        const choiceText = textWithFormat(text.slice(rest, textEnd), format);
        return {
          id: choiceIdAt(index),
          text: choiceText.text,
          ...(choiceText.format !== format && { textFormat: choiceText.format }),
          ...choiceCredit(kind, credit ?? 0),
          ...(choiceFeedback !== undefined && { feedback: choiceFeedback }),
        };
      });
    question = { ...base, kind, choices };
  } else if (has('=') && answers.includes('->')) {
    const segments = segmentsOf(text, '=', answersStart, answersEnd);
    if (refuseLeadingText(segments, 'pair with =, as in =prompt -> answer')) {
      return { problems, notes };
    }
    const pairs = segments
      .filter((segment) => segment.marker !== '')
      .flatMap((segment) => {
        const arrow = indexOfUnescaped(text, '->', segment.start, segment.end);
        if (arrow === -1) {
          problemAt(
            segment.start - 1,
            'a matching pair needs -> between its prompt and its answer',
          );
          return [];
        }
        const prompt = textWithFormat(text.slice(segment.start, arrow), format);
        return [
          {
            prompt: prompt.text,
            ...(prompt.format !== format && { textFormat: prompt.format }),
            answer: unescapeGift(text.slice(arrow + 2, segment.end)).trim(),
          },
        ];
      });
    question = { ...base, kind: 'matching', pairs };
  } else {
    const firstHash = indexOfUnescaped(text, '#', answersStart, answersEnd);
    const head = text.slice(answersStart, firstHash === -1 ? answersEnd : firstHash).trim();
    if (['T', 'TRUE', 'F', 'FALSE'].includes(head)) {
      const answer = head.startsWith('T');
      let wrong: string | undefined;
      let right: string | undefined;
      if (firstHash !== -1) {
        const secondHash = indexOfUnescaped(text, '#', firstHash + 1, answersEnd);
        wrong = feedbackAt(firstHash + 1, secondHash === -1 ? answersEnd : secondHash);
        if (secondHash !== -1) right = feedbackAt(secondHash + 1, answersEnd);
      }
      const [feedbackTrue, feedbackFalse] = answer ? [right, wrong] : [wrong, right];
      question = {
        ...base,
        kind: 'true_false',
        answer,
        ...(feedbackTrue !== undefined && { feedbackTrue }),
        ...(feedbackFalse !== undefined && { feedbackFalse }),
      };
    } else {
      const segments = segmentsOf(text, '=', answersStart, answersEnd);
      const isBare = segments.length === 1;
      if (!isBare && refuseLeadingText(segments, 'accepted answer with =')) {
        return { problems, notes };
      }
      const accepted = segments
        .filter((segment) => isBare || segment.marker !== '')
        .map((segment) => {
          const { credit, rest } = creditOf(segment);
          const { textEnd, feedback: answerFeedback } = withFeedback(rest, segment.end);
          return {
            // Short answers are plain: like Moodle, a [format] before one is dropped.
            text: textWithFormat(text.slice(rest, textEnd), format).text,
            ...(credit !== undefined && { weight: credit }),
            ...(answerFeedback !== undefined && { feedback: answerFeedback }),
          };
        });
      question = { ...base, kind: 'short_answer', answers: accepted };
    }
  }
  // A question with a problem of its own is not checked further: its other faults would follow from it.
  return { ...(question && problems.length === 0 && { question }), problems, notes };

  function readNumerical(): QuestionDraftFields | undefined {
    const from = answersStart + 1;
    const tilde = indexOfUnescaped(text, '~', from, answersEnd);
    const segments = segmentsOf(text, '=', from, tilde === -1 ? answersEnd : tilde);
    const values: Extract<QuestionDraftFields, { kind: 'numerical' }>['answers'] = [];
    let isValid = true;
    for (const segment of segments) {
      if (segment.marker === '' && text.slice(segment.start, segment.end).trim() === '') continue;
      const { credit, rest, isValid: isCreditValid } = creditOf(segment);
      isValid &&= isCreditValid;
      const { textEnd, feedback: answerFeedback } = withFeedback(rest, segment.end);
      const value = unescapeGift(text.slice(rest, textEnd)).trim();
      const extra = {
        ...(credit !== undefined && { weight: credit }),
        ...(answerFeedback !== undefined && { feedback: answerFeedback }),
      };
      const range = value.indexOf('..');
      const colon = value.indexOf(':');
      const parts =
        value === '*'
          ? []
          : range > 0
            ? [value.slice(0, range), value.slice(range + 2)]
            : colon > 0
              ? [value.slice(0, colon), value.slice(colon + 1)]
              : [value];
      const bad = parts.find((part) => !NUMBER.test(part.trim()));
      if (bad !== undefined) {
        problemAt(
          rest,
          `"${bad.trim()}" is not a number: write value, value:tolerance or min..max, e.g. 3:0.5 or 1..5`,
        );
        isValid = false;
        continue;
      }
      const [first, second] = parts.map((part) => Number(part.trim()));
      // `=*` is a full-credit catch-all unless it says otherwise (only `~#…` means a wrong one).
      if (value === '*') values.push({ otherwise: true, weight: 100, ...extra });
      else if (range > 0) values.push({ min: first ?? 0, max: second ?? 0, ...extra });
      else values.push({ value: first ?? 0, ...(second ? { tolerance: second } : {}), ...extra });
    }
    if (tilde !== -1) {
      const hash = indexOfUnescaped(text, '#', tilde + 1, answersEnd);
      if (text.slice(tilde + 1, hash === -1 ? answersEnd : hash).trim() !== '') {
        problemAt(tilde, 'after ~ a numerical question takes only #feedback for any other answer');
        isValid = false;
      } else {
        const otherwiseFeedback = hash === -1 ? undefined : feedbackAt(hash + 1, answersEnd);
        values.push({
          otherwise: true,
          ...(otherwiseFeedback !== undefined && { feedback: otherwiseFeedback }),
        });
      }
    }
    return isValid ? { ...base, kind: 'numerical', answers: values } : undefined;
  }
}

/**
 * A text with its `[format]` where GIFT needs one: a format other than `inherited`, or a text
 * that would otherwise read as syntax (a `[`, a `//` comment, `$CATEGORY:`).
 */
function formattedText(text: string, format: TextFormat, inherited: TextFormat): string {
  const needsFormat = format !== inherited || /^[[/$]/.test(text);
  return `${needsFormat ? `[${format}]` : ''}${escapeGift(text)}`;
}

function numberText(value: number): string {
  return String(value);
}

function credit(weight: number, defaultWeight: number): string {
  return weight === defaultWeight ? '' : `%${numberText(weight)}%`;
}

function writeQuestion(question: Question, note: (message: string) => void): string {
  const format = question.textFormat;
  const feedbackText = (feedback: string | undefined): string =>
    feedback === undefined || feedback === '' ? '' : formattedText(feedback, format, format);
  const withFeedback = (feedback: string | undefined): string =>
    feedback === undefined || feedback === '' ? '' : `#${feedbackText(feedback)}`;
  const general = question.feedback ? `\t####${feedbackText(question.feedback)}\n` : '';
  const lines = (answers: string[]): string =>
    `{\n${answers.map((answer) => `\t${answer}\n`).join('')}${general}}`;

  let block: string;
  switch (question.kind) {
    case 'essay':
      block = `{${question.feedback ? `####${feedbackText(question.feedback)}` : ''}}`;
      break;
    case 'true_false': {
      const [right, wrong] = question.answer
        ? [question.feedbackTrue, question.feedbackFalse]
        : [question.feedbackFalse, question.feedbackTrue];
      const rightText = right ? `#${feedbackText(right)}` : '';
      const wrongText = wrong ? `#${feedbackText(wrong)}` : rightText ? '#' : '';
      block = `{${question.answer ? 'TRUE' : 'FALSE'}${wrongText}${rightText}${
        question.feedback ? `####${feedbackText(question.feedback)}` : ''
      }}`;
      break;
    }
    case 'single':
    case 'multiple': {
      const kind = question.kind;
      if (kind === 'single' && question.choices.every((choice) => choice.correct)) {
        note('every choice is correct: GIFT reads a block without ~ as a short answer');
      }
      block = lines(
        question.choices.map((choice) => {
          if (!isCreditExpressible(kind, choice)) {
            note(
              `choice "${choice.id}" is ${choice.correct ? 'correct' : 'wrong'} with ${fractionOfChoice(choice)}% credit: it reads back ${choice.correct ? 'wrong' : 'correct'}`,
            );
          }
          const fraction = fractionOfChoice(choice);
          const text = formattedText(choice.text, choice.textFormat ?? format, format);
          const marker =
            kind === 'single' && fraction === 100
              ? '='
              : `~${fraction === 0 && !choice.text.startsWith('%') ? '' : `%${numberText(fraction)}%`}`;
          return `${marker}${text}${withFeedback(choice.feedback)}`;
        }),
      );
      break;
    }
    case 'short_answer':
      if (question.caseSensitive) note('GIFT has no case-sensitive short answers');
      block = lines(
        question.answers.map((answer) => {
          if (answer.text.includes('->'))
            note(`"${answer.text}" holds ->, which GIFT reads as matching`);
          const weight = answer.text.startsWith('%')
            ? `%${numberText(answer.weight)}%`
            : credit(answer.weight, 100);
          return `=${weight}${formattedText(answer.text, format, format)}${withFeedback(answer.feedback)}`;
        }),
      );
      break;
    case 'numerical': {
      const last = question.answers.at(-1);
      block = `{#\n${question.answers
        .map((answer) => {
          if ('otherwise' in answer) {
            return answer === last && answer.weight === 0
              ? `~${withFeedback(answer.feedback) || '#'}`
              : `=${credit(answer.weight, 100)}*${withFeedback(answer.feedback)}`;
          }
          const value =
            'value' in answer
              ? `${numberText(answer.value)}${answer.tolerance ? `:${numberText(answer.tolerance)}` : ''}`
              : `${numberText(answer.min)}..${numberText(answer.max)}`;
          return `=${credit(answer.weight, 100)}${value}${withFeedback(answer.feedback)}`;
        })
        .map((answer) => `\t${answer}\n`)
        .join('')}${general}}`;
      break;
    }
    case 'matching':
      block = lines(
        question.pairs.map((pair) => {
          if (pair.prompt.includes('->'))
            note('a matching prompt holds ->, which GIFT cannot escape');
          const prompt =
            pair.prompt === '' ? '' : formattedText(pair.prompt, pair.textFormat ?? format, format);
          return `=${prompt} -> ${escapeGift(pair.answer)}`;
        }),
      );
      break;
  }
  if (question.points !== 1)
    note(`GIFT has no points: the question's ${question.points} points are not written`);
  if (question.tags.length > 0)
    note(`GIFT has no tags: ${question.tags.join(', ')} are not written`);

  // A missing-word question: the block goes where its blank is, if text follows the blank.
  const blank = question.text.indexOf(BLANK);
  const isMissingWord = blank !== -1 && question.text.slice(blank + BLANK.length).trim() !== '';
  const before = isMissingWord ? question.text.slice(0, blank) : question.text;
  const after = isMissingWord ? question.text.slice(blank + BLANK.length) : '';
  const title = question.title ? `::${escapeGift(question.title)}::` : '';
  return `// question: ${question.id}\n${title}${formattedText(before, format, DEFAULT_FORMAT)}${
    isMissingWord || before === '' ? '' : ' '
  }${block}${escapeGift(after)}\n`;
}

function writeGift(quizzes: readonly QuizToWrite[]): { text: string; notes: WriteNote[] } {
  const notes: WriteNote[] = [];
  const parts: string[] = [];
  for (const quiz of quizzes) {
    parts.push(`$CATEGORY: $course$/${quiz.title.replace(/\s*\n\s*/g, ' ')}\n`);
    for (const question of quiz.questions) {
      parts.push(
        writeQuestion(question, (message) =>
          notes.push({ quizTitle: quiz.title, questionId: question.id, message }),
        ),
      );
    }
  }
  return { text: parts.join('\n'), notes };
}

export const giftFormat: QuestionFormat = {
  name: 'gift',
  extensions: ['.gift.txt', '.gift'],
  exportExtension: '.gift.txt',
  parse: parseGift,
  write: writeGift,
};
