/**
 * Moodle XML (https://docs.moodle.org/en/Moodle_XML_format), read with fast-xml-parser and
 * written as Moodle writes it: `<quiz>` holding `<question type="…">` elements.
 *
 * Reading: `type="category"` starts a category (each becomes a quiz, named by its path without
 * the `$course$/` context); multichoice (`<single>` picks single or multiple choice), truefalse,
 * shortanswer (`<usecase>` is case sensitivity), numerical (`*` is any other answer), matching
 * and essay become questions of the same kind: name → title, questiontext and its format
 * (`html`, `moodle_auto_format`, `plain_text`, `markdown`; CDATA or escaped), generalfeedback,
 * defaultgrade → points, idnumber → the question's id (when it fits), tags, every answer's
 * fraction → credit, its format and feedback. Other question types (cloze = `multianswer`,
 * calculated, ddwtos, gapselect, description…) are reported by name as unsupported. Moodle
 * settings LMS Admin has no place for (penalty, hints, per-question shuffling, units…) are
 * listed in the notes, once per setting. Texts are trimmed, as Moodle does.
 *
 * Not expressible in Moodle XML: a numerical range (written as value ± tolerance, the same
 * answers) and choice ids (choices are a, b, c… in order).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { FormatProblem } from '../../schemas/question-formats';
import type { Question } from '../../schemas/quiz-options';
import { choiceCredit, fractionOfChoice, isCreditExpressible } from './choice-credit';
import {
  choiceIdAt,
  TextPositions,
  type ParsedQuestionFile,
  type QuestionDraftFields,
  type QuestionFormat,
  type QuizDraft,
  type QuizToWrite,
  type TextFormat,
  type WriteNote,
} from './question-file';

type XmlNode = Record<string, unknown>;

const FORMAT_OF_MOODLE: Record<string, TextFormat> = {
  html: 'html',
  moodle_auto_format: 'moodle',
  plain_text: 'plain',
  markdown: 'markdown',
};
const MOODLE_OF_FORMAT: Record<TextFormat, string> = {
  html: 'html',
  moodle: 'moodle_auto_format',
  plain: 'plain_text',
  markdown: 'markdown',
};
const ID = /^[A-Za-z0-9_.:-]{1,100}$/;
const CATEGORY_CONTEXT = /^\$[a-z0-9]+\$\//;
/** Moodle's question types LMS Admin has no kind for, by the name people know them by. */
const UNSUPPORTED_TYPES: Record<string, string> = {
  multianswer: 'cloze (embedded answers)',
  calculated: 'calculated',
  calculatedsimple: 'simple calculated',
  calculatedmulti: 'calculated multichoice',
  ddwtos: 'drag and drop into text',
  ddimageortext: 'drag and drop onto image',
  ddmarker: 'drag and drop markers',
  gapselect: 'select missing words',
  randomsamatch: 'random short-answer matching',
  description: 'description',
  ordering: 'ordering',
  random: 'random',
};
/** What each kind reads; anything else in a question is a setting that isn't kept. */
const READ_ELEMENTS = new Set([
  '#text',
  '@_type',
  'name',
  'questiontext',
  'generalfeedback',
  'defaultgrade',
  'idnumber',
  'tags',
  'answer',
  'single',
  'usecase',
  'subquestion',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  captureMetaData: true,
  isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Numeric character references (&#160;) too, which Moodle's files hold.
  htmlEntities: true,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

function childrenOf(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (!Array.isArray(value)) return [];
  return value.map((child: unknown) =>
    typeof child === 'object' && child !== null ? (child as XmlNode) : { '#text': String(child) },
  );
}

function childOf(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return childrenOf(node, name)[0];
}

/** The element's own text (CDATA included), trimmed as Moodle does. */
function ownText(node: XmlNode | undefined): string {
  const text = node?.['#text'];
  return typeof text === 'string' ? text.trim() : '';
}

/** The text of the element's `<text>` child. */
function textChild(node: XmlNode | undefined): string {
  return ownText(childOf(node, 'text'));
}

function attribute(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** Whether an element holds anything worth keeping: text other than empty, 0 or false. */
function isSet(node: XmlNode): boolean {
  for (const [key, value] of Object.entries(node)) {
    if (key === '#text') {
      if (typeof value === 'string' && !['', '0', 'false'].includes(value.trim())) return true;
    } else if (!key.startsWith('@_') && Array.isArray(value)) {
      if (childrenOf(node, key).some(isSet)) return true;
    }
  }
  return false;
}

function parseMoodleXml(source: string): ParsedQuestionFile {
  const text = source.replace(/^\uFEFF/, '');
  const problems: FormatProblem[] = [];
  const notes: FormatProblem[] = [];
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    problems.push({
      line: valid.err.line,
      column: valid.err.col,
      message: `not well-formed XML: ${valid.err.msg}`,
    });
    return { quizzes: [], problems, notes };
  }
  const positions = new TextPositions(text);
  const lineOf = (node: XmlNode): number => {
    const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
    return positions.at(meta?.startIndex ?? 0).line;
  };
  const root = childOf(parser.parse(text) as XmlNode, 'quiz');
  if (!root) {
    problems.push({ line: 1, message: 'a Moodle XML file holds its questions in <quiz>…</quiz>' });
    return { quizzes: [], problems, notes };
  }
  const quizzes: QuizDraft[] = [{ title: null, line: 1, questions: [] }];
  const unread = new Map<string, { line: number; count: number }>();

  for (const element of childrenOf(root, 'question')) {
    const type = attribute(element, 'type') ?? '';
    const line = lineOf(element);
    if (type === 'category') {
      const path = textChild(childOf(element, 'category'));
      quizzes.push({ title: path.replace(CATEGORY_CONTEXT, '') || path, line, questions: [] });
      continue;
    }
    const title = textChild(childOf(element, 'name')) || undefined;
    const problemAt = (message: string, feature?: string): void => {
      problems.push({
        line,
        message,
        ...(title && { questionTitle: title }),
        ...(feature && { feature }),
      });
    };
    const unsupported = UNSUPPORTED_TYPES[type];
    if (unsupported !== undefined) {
      problemAt(`${unsupported} questions (type "${type}") are not supported`, unsupported);
      continue;
    }
    for (const [key, value] of Object.entries(element)) {
      if (READ_ELEMENTS.has(key) || !Array.isArray(value)) continue;
      if (!childrenOf(element, key).some(isSet)) continue;
      const seen = unread.get(key);
      if (seen) seen.count++;
      else unread.set(key, { line, count: 1 });
    }
    const question = readQuestion(element, type, title, problemAt, (message) =>
      notes.push({ line, message, ...(title && { questionTitle: title }) }),
    );
    if (question) quizzes.at(-1)?.questions.push({ line, question });
  }
  for (const [element, { line, count }] of unread) {
    notes.push({
      line,
      message: `<${element}> is a Moodle setting LMS Admin doesn't keep (on ${count} question${count === 1 ? '' : 's'}, first here)`,
    });
  }
  return { quizzes: quizzes.filter((quiz) => quiz.questions.length > 0), problems, notes };
}

function readQuestion(
  element: XmlNode,
  type: string,
  title: string | undefined,
  problemAt: (message: string, feature?: string) => void,
  note: (message: string) => void,
): QuestionDraftFields | undefined {
  const formatOf = (node: XmlNode | undefined, fallback: TextFormat): TextFormat => {
    const name = attribute(node, 'format');
    if (name === undefined) return fallback;
    const format = FORMAT_OF_MOODLE[name.trim()];
    if (format) return format;
    note(`the text format "${name}" is read as html, as Moodle does`);
    return 'html';
  };
  const questionText = childOf(element, 'questiontext');
  const format = formatOf(questionText, 'html');
  const feedbackOf = (node: XmlNode | undefined): string | undefined => {
    const feedback = textChild(node);
    if (feedback === '') return undefined;
    const feedbackFormat = formatOf(node, format);
    if (feedbackFormat !== format) {
      note(`feedback in ${MOODLE_OF_FORMAT[feedbackFormat]} is kept in the question's format`);
    }
    return feedback;
  };
  const numberOf = (value: string | undefined, what: string): number | undefined => {
    if (value === undefined || value.trim() === '') return undefined;
    const number = Number(value);
    if (Number.isFinite(number)) return number;
    problemAt(`${what} "${value}" is not a number`);
    return undefined;
  };
  const idnumber = ownText(childOf(element, 'idnumber'));
  const generalFeedback = feedbackOf(childOf(element, 'generalfeedback'));
  const points = numberOf(ownText(childOf(element, 'defaultgrade')), '<defaultgrade>');
  const tags = childrenOf(childOf(element, 'tags'), 'tag')
    .map(textChild)
    .filter((tag) => tag !== '');
  const base = {
    ...(ID.test(idnumber) && { id: idnumber }),
    ...(title !== undefined && { title }),
    text: textChild(questionText),
    textFormat: format,
    ...(points !== undefined && { points }),
    ...(generalFeedback !== undefined && { feedback: generalFeedback }),
    ...(tags.length > 0 && { tags }),
  };
  const answers = childrenOf(element, 'answer');
  const fractionOf = (answer: XmlNode): number =>
    numberOf(attribute(answer, 'fraction'), 'the fraction') ?? 0;
  const withFeedback = (answer: XmlNode): { feedback?: string } => {
    const feedback = feedbackOf(childOf(answer, 'feedback'));
    return feedback === undefined ? {} : { feedback };
  };

  switch (type) {
    case 'multichoice': {
      const single = ownText(childOf(element, 'single')) || 'true';
      const kind = single === 'false' || single === '0' ? 'multiple' : 'single';
      return {
        ...base,
        kind,
        choices: answers.map((answer, index) => {
          const choiceFormat = formatOf(answer, format);
          return {
            id: choiceIdAt(index),
            text: textChild(answer),
            ...(choiceFormat !== format && { textFormat: choiceFormat }),
            ...choiceCredit(kind, fractionOf(answer)),
            ...withFeedback(answer),
          };
        }),
      };
    }
    case 'truefalse': {
      const trueAnswer = answers.find((answer) => textChild(answer).toLowerCase() === 'true');
      const falseAnswer = answers.find((answer) => textChild(answer).toLowerCase() === 'false');
      if (!trueAnswer || !falseAnswer) {
        problemAt('a true/false question needs an answer "true" and an answer "false"');
        return undefined;
      }
      const feedbackTrue = feedbackOf(childOf(trueAnswer, 'feedback'));
      const feedbackFalse = feedbackOf(childOf(falseAnswer, 'feedback'));
      return {
        ...base,
        kind: 'true_false',
        answer: fractionOf(trueAnswer) === 100,
        ...(feedbackTrue !== undefined && { feedbackTrue }),
        ...(feedbackFalse !== undefined && { feedbackFalse }),
      };
    }
    case 'shortanswer':
      return {
        ...base,
        kind: 'short_answer',
        caseSensitive: ['1', 'true'].includes(ownText(childOf(element, 'usecase'))),
        answers: answers.map((answer) => ({
          text: textChild(answer),
          weight: fractionOf(answer),
          ...withFeedback(answer),
        })),
      };
    case 'numerical':
      return {
        ...base,
        kind: 'numerical',
        answers: answers.map((answer) => {
          const value = textChild(answer);
          const extra = { weight: fractionOf(answer), ...withFeedback(answer) };
          if (value === '*' || value === '') return { otherwise: true as const, ...extra };
          const tolerance = numberOf(ownText(childOf(answer, 'tolerance')), '<tolerance>');
          return {
            value: numberOf(value, 'the answer') ?? 0,
            ...(tolerance ? { tolerance } : {}),
            ...extra,
          };
        }),
      };
    case 'matching':
      return {
        ...base,
        kind: 'matching',
        pairs: childrenOf(element, 'subquestion').map((subquestion) => {
          const promptFormat = formatOf(subquestion, format);
          const prompt = textChild(subquestion);
          return {
            prompt,
            ...(prompt !== '' && promptFormat !== format && { textFormat: promptFormat }),
            answer: textChild(childOf(subquestion, 'answer')),
          };
        }),
      };
    case 'essay':
      return { ...base, kind: 'essay' };
    default:
      problemAt(`questions of type "${type}" are not supported`, type || 'untyped question');
      return undefined;
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A `<text>` element: CDATA when the text holds markup, as Moodle writes it. */
function textElement(text: string): string {
  return /[<>&]/.test(text)
    ? `<text><![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]></text>`
    : `<text>${escapeXml(text)}</text>`;
}

function formatted(tag: string, text: string, format: TextFormat, indent: string): string {
  return `${indent}<${tag} format="${MOODLE_OF_FORMAT[format]}">\n${indent}  ${textElement(text)}\n${indent}</${tag}>\n`;
}

function writeQuestion(question: Question, note: (message: string) => void): string {
  const format = question.textFormat;
  const type = {
    single: 'multichoice',
    multiple: 'multichoice',
    true_false: 'truefalse',
    short_answer: 'shortanswer',
    numerical: 'numerical',
    matching: 'matching',
    essay: 'essay',
  }[question.kind];
  const feedback = (text: string | undefined, indent: string): string =>
    text ? formatted('feedback', text, format, indent) : '';
  const answer = (
    fraction: number,
    text: string,
    extra: { format?: TextFormat; feedback?: string; tolerance?: number },
  ): string =>
    `    <answer fraction="${fraction}"${extra.format ? ` format="${MOODLE_OF_FORMAT[extra.format]}"` : ''}>\n      ${textElement(text)}\n${
      extra.tolerance === undefined ? '' : `      <tolerance>${extra.tolerance}</tolerance>\n`
    }${feedback(extra.feedback, '      ')}    </answer>\n`;

  let body = '';
  switch (question.kind) {
    case 'single':
    case 'multiple': {
      const kind = question.kind;
      body += `    <single>${kind === 'single'}</single>\n`;
      for (const choice of question.choices) {
        if (!isCreditExpressible(kind, choice)) {
          note(
            `choice "${choice.id}" is ${choice.correct ? 'correct' : 'wrong'} with ${fractionOfChoice(choice)}% credit: it reads back ${choice.correct ? 'wrong' : 'correct'}`,
          );
        }
        body += answer(fractionOfChoice(choice), choice.text, {
          format: choice.textFormat ?? format,
          feedback: choice.feedback,
        });
      }
      break;
    }
    case 'true_false':
      body += answer(question.answer ? 100 : 0, 'true', { feedback: question.feedbackTrue });
      body += answer(question.answer ? 0 : 100, 'false', { feedback: question.feedbackFalse });
      break;
    case 'short_answer':
      body += `    <usecase>${question.caseSensitive ? 1 : 0}</usecase>\n`;
      for (const accepted of question.answers) {
        body += answer(accepted.weight, accepted.text, { feedback: accepted.feedback });
      }
      break;
    case 'numerical':
      for (const accepted of question.answers) {
        if ('otherwise' in accepted) {
          body += answer(accepted.weight, '*', { feedback: accepted.feedback });
        } else if ('value' in accepted) {
          body += answer(accepted.weight, String(accepted.value), {
            feedback: accepted.feedback,
            tolerance: accepted.tolerance,
          });
        } else {
          const value = (accepted.min + accepted.max) / 2;
          const tolerance = (accepted.max - accepted.min) / 2;
          if (value - tolerance !== accepted.min || value + tolerance !== accepted.max) {
            note(
              `the range ${accepted.min}..${accepted.max} is written as ${value} ± ${tolerance}, which rounds its ends`,
            );
          }
          body += answer(accepted.weight, String(value), {
            feedback: accepted.feedback,
            tolerance,
          });
        }
      }
      break;
    case 'matching':
      for (const pair of question.pairs) {
        body += `    <subquestion format="${MOODLE_OF_FORMAT[pair.textFormat ?? format]}">\n      ${textElement(pair.prompt)}\n      <answer>\n        ${textElement(pair.answer)}\n      </answer>\n    </subquestion>\n`;
      }
      break;
    case 'essay':
      break;
  }
  const tags =
    question.tags.length === 0
      ? ''
      : `    <tags>\n${question.tags.map((tag) => `      <tag>${textElement(tag)}</tag>\n`).join('')}    </tags>\n`;
  return `  <question type="${type}">\n    <name>\n      ${textElement(question.title ?? '')}\n    </name>\n${formatted(
    'questiontext',
    question.text,
    format,
    '    ',
  )}${question.feedback ? formatted('generalfeedback', question.feedback, format, '    ') : ''}    <defaultgrade>${question.points}</defaultgrade>\n    <idnumber>${escapeXml(question.id)}</idnumber>\n${body}${tags}  </question>\n`;
}

function writeMoodleXml(quizzes: readonly QuizToWrite[]): { text: string; notes: WriteNote[] } {
  const notes: WriteNote[] = [];
  let text = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n';
  for (const quiz of quizzes) {
    text += `  <question type="category">\n    <category>\n      ${textElement(`$course$/${quiz.title}`)}\n    </category>\n  </question>\n\n`;
    for (const question of quiz.questions) {
      text += `${writeQuestion(question, (message) =>
        notes.push({ quizTitle: quiz.title, questionId: question.id, message }),
      )}\n`;
    }
  }
  return { text: `${text}</quiz>\n`, notes };
}

export const moodleXmlFormat: QuestionFormat = {
  name: 'moodle-xml',
  extensions: ['.xml'],
  exportExtension: '.xml',
  parse: parseMoodleXml,
  write: writeMoodleXml,
};
