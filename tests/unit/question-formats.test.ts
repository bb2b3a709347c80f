import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { questionSchema, type Question } from '../../db/schemas/quiz-options';
import { aikenFormat } from '../../db/services/question-formats/aiken';
import { csvFormat } from '../../db/services/question-formats/csv';
import { giftFormat } from '../../db/services/question-formats/gift';
import { jsonFormat } from '../../db/services/question-formats/json';
import { moodleXmlFormat } from '../../db/services/question-formats/moodle-xml';
import type { ParsedQuestionFile } from '../../db/services/question-formats/question-file';
import { guessQuestionFormat } from '../../db/services/question-formats/registry';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/question-formats/${name}`, import.meta.url), 'utf8');

const MOODLE_FIXTURES = new URL(
  '../../../shared/fixtures/moodle-question-formats/',
  import.meta.url,
);
const hasMoodleFixtures = existsSync(MOODLE_FIXTURES);
if (!hasMoodleFixtures) {
  console.log(
    `Skipping the tests on Moodle's own fixtures: ${MOODLE_FIXTURES.pathname} is missing (a fresh clone has no ../shared).`,
  );
}
const moodleFixture = (name: string): string =>
  readFileSync(new URL(name, MOODLE_FIXTURES), 'utf8');

/** The questions of a parse, checked by the shared schema as the import checks them. */
function questionsOf(parsed: ParsedQuestionFile): Question[] {
  return parsed.quizzes.flatMap((quiz) =>
    quiz.questions.map(({ question }, index) =>
      questionSchema.parse({ id: `q${index + 1}`, ...question }),
    ),
  );
}

function onlyQuestion(text: string): Question {
  const parsed = giftFormat.parse(text);
  expect(parsed.problems).toEqual([]);
  const [question] = questionsOf(parsed);
  if (!question) throw new Error('no question');
  return question;
}

describe('GIFT', () => {
  it('reads every feature of the documentation examples', () => {
    const parsed = giftFormat.parse(fixture('docs-examples.gift'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.quizzes.map((quiz) => quiz.title)).toEqual(['GIFT examples']);
    const byTitle = new Map(questionsOf(parsed).map((question) => [question.title, question]));
    expect(byTitle.get("Grant's tomb")).toMatchObject({
      id: 'grant-tomb',
      kind: 'single',
      textFormat: 'moodle',
      choices: [
        { id: 'a', text: 'Grant', correct: false },
        { id: 'b', text: 'Jefferson', correct: false },
        { id: 'c', text: 'no one', correct: true },
      ],
    });
    expect(byTitle.get('Missing word')?.text).toBe("Grant is _____ in Grant's tomb.");
    expect(byTitle.get('Tomb truth')).toMatchObject({
      kind: 'true_false',
      answer: false,
      feedbackTrue: 'No, he is entombed.',
      feedbackFalse: 'Right!',
      feedback: 'Entombed, strictly.',
    });
    expect(byTitle.get('Nobody')).toMatchObject({
      kind: 'short_answer',
      answers: [
        { text: 'no one', weight: 100 },
        { text: 'nobody', weight: 50, feedback: 'Half right: "no one" is better.' },
      ],
    });
    expect(byTitle.get('Born')).toMatchObject({ answers: [{ value: 1822, tolerance: 5 }] });
    expect(byTitle.get('Born range')).toMatchObject({ answers: [{ min: 1820, max: 1825 }] });
    expect(byTitle.get('Born again')).toMatchObject({
      answers: [
        { value: 1822, tolerance: 0, weight: 100, feedback: 'Correct! Full credit.' },
        { value: 1822, tolerance: 2, weight: 50 },
        { otherwise: true, weight: 0, feedback: 'Not even close.' },
      ],
    });
    expect(byTitle.get('Capitals')).toMatchObject({
      kind: 'matching',
      pairs: [
        { prompt: 'Canada', answer: 'Ottawa' },
        { prompt: 'Italy', answer: 'Rome' },
        { prompt: 'Japan', answer: 'Tokyo' },
        { prompt: 'India', answer: 'New Delhi' },
        { prompt: '', answer: 'Canberra' },
      ],
    });
    expect(byTitle.get('Penalties')).toMatchObject({
      kind: 'multiple',
      choices: [
        { text: '2', correct: true, weight: 50 },
        { text: '3', correct: true, weight: 50 },
        { text: '4', correct: false, weight: -50 },
        { text: '<b>6</b>', textFormat: 'html', correct: false, weight: -50 },
      ],
    });
    expect(byTitle.get('Essay')).toMatchObject({
      kind: 'essay',
      textFormat: 'markdown',
      text: 'Write **about** your favourite film.',
      feedback: 'Any film will do.',
    });
    expect(byTitle.get('Escapes')).toMatchObject({
      textFormat: 'plain',
      text: 'Which sign means equals: = or ~?',
      choices: [{ text: '=' }, { text: '~' }, { text: '#' }, { text: '{}' }],
      feedback: 'A backslash is \\, a line\nbreak.',
    });
    // The feedback's own [html] can't be kept apart from the question's format: it is noted.
    expect(parsed.notes).toEqual([
      expect.objectContaining({ line: 35, column: 26, questionTitle: 'Penalties' }),
    ]);
  });

  it('reports every malformed question at its line and column, not just the first', () => {
    const parsed = giftFormat.parse(fixture('malformed.gift'));
    expect(parsed.problems.map(({ line, column, feature }) => ({ line, column, feature }))).toEqual(
      [
        { line: 3, column: 32, feature: undefined },
        { line: 5, column: 28, feature: undefined },
        { line: 7, column: 23, feature: undefined },
        { line: 9, column: 18, feature: undefined },
        { line: 11, column: 19, feature: undefined },
        { line: 13, column: 1, feature: 'description' },
      ],
    );
    expect(parsed.problems[0]?.message).toMatch(/no closing \}/);
    expect(parsed.problems[1]?.message).toMatch(/needs ->/);
    expect(parsed.problems[2]?.message).toMatch(/"three" is not a number/);
    expect(parsed.problems[3]?.message).toMatch(/text before the first answer/);
    expect(parsed.problems[4]?.message).toMatch(/%150% must be a percentage/);
    expect(parsed.problems[0]?.questionTitle).toBe('Unclosed');
  });

  it('reads CRLF line ends, a byte-order mark and tab-indented answers', () => {
    const question = onlyQuestion('\uFEFF// comment\r\n::Q::Pick\r\n{\r\n\t=a\r\n\t~b\r\n}\r\n');
    expect(question).toMatchObject({ title: 'Q', text: 'Pick', kind: 'single' });
  });

  it('keeps a literal backslash and one before an ordinary character', () => {
    expect(onlyQuestion('C\\\\temp and C:\\path{}').text).toBe('C\\temp and C:\\path');
  });

  it('reads {T}, {TRUE}, {F} and {FALSE}', () => {
    expect(['{T}', '{TRUE}', '{F}', '{FALSE}'].map((block) => onlyQuestion(`Q${block}`))).toEqual(
      [true, true, false, false].map((answer) => expect.objectContaining({ answer })),
    );
  });

  it('reads a general feedback on an essay, and numerical answers with credit and feedback', () => {
    expect(onlyQuestion('E{####Think.}')).toMatchObject({ kind: 'essay', feedback: 'Think.' });
    expect(onlyQuestion('N{#=%50%3:1#close =3}')).toMatchObject({
      answers: [
        { value: 3, tolerance: 1, weight: 50, feedback: 'close' },
        { value: 3, weight: 100 },
      ],
    });
    expect(onlyQuestion('N{#-5..-1}')).toMatchObject({ answers: [{ min: -5, max: -1 }] });
  });

  it('writes a category per quiz and the questions that read back unchanged', () => {
    const original = questionsOf(giftFormat.parse(fixture('docs-examples.gift')));
    const written = giftFormat.write([{ title: 'Round trip', questions: original }]);
    expect(written.text).toMatch(/^\$CATEGORY: \$course\$\/Round trip\n/);
    const reread = giftFormat.parse(written.text);
    expect(reread.quizzes.map((quiz) => quiz.title)).toEqual(['Round trip']);
    expect(questionsOf(reread)).toEqual(original);
  });

  it('notes what GIFT cannot hold: points, tags and case-sensitive answers', () => {
    const question = questionSchema.parse({
      id: 'q1',
      kind: 'short_answer',
      text: 'Capital of France?',
      points: 2,
      tags: ['geo'],
      caseSensitive: true,
      answers: [{ text: 'Paris' }],
    });
    const { notes } = giftFormat.write([{ title: 'Quiz', questions: [question] }]);
    expect(notes.map((note) => note.message)).toEqual([
      'GIFT has no case-sensitive short answers',
      "GIFT has no points: the question's 2 points are not written",
      'GIFT has no tags: geo are not written',
    ]);
  });

  it.skipIf(!hasMoodleFixtures)("reads Moodle's own questions.gift.txt as Moodle does", () => {
    const parsed = giftFormat.parse(moodleFixture('questions.gift.txt'));
    expect(parsed.problems).toEqual([]);
    const questions = questionsOf(parsed);
    expect(questions.map((question) => question.kind)).toEqual([
      'essay',
      'matching',
      'single',
      'multiple',
      'numerical',
      'short_answer',
      'true_false',
      'true_false',
      'true_false',
    ]);
    const byTitle = new Map(questions.map((question) => [question.title, question]));
    expect(byTitle.get('Moodle activities')).toMatchObject({
      id: '2',
      textFormat: 'html',
      pairs: [
        { prompt: 'An activity supporting asynchronous discussions.', answer: 'Forum' },
        { textFormat: 'moodle', answer: 'Choice' },
        { textFormat: 'plain', answer: 'Database' },
        { textFormat: 'markdown', answer: 'Wiki' },
        { prompt: '', answer: 'Chat' },
      ],
    });
    // Text after the block makes it missing-word, as in Moodle: the stray `";` stays.
    expect(byTitle.get('Q5')).toMatchObject({
      text: 'What is a number from 1 to 5? _____";',
      answers: [
        { value: 3, tolerance: 2 },
        { otherwise: true, feedback: 'Completely wrong' },
      ],
    });
    expect(byTitle.get('Shortanswer')).toMatchObject({
      id: '666',
      answers: [
        { text: 'Frog', weight: 100, feedback: 'Good!' },
        { text: 'Cat', weight: 50 },
        { text: '*', weight: 0, feedback: 'Completely wrong' },
      ],
    });
    expect(byTitle.get('Q1')).toMatchObject({
      answer: false,
      feedbackTrue: '42 is the Ultimate Answer.',
      feedbackFalse: 'You gave the right answer.',
      feedback: "This is, of course, a Hitchiker's Guide to the Galaxy reference.",
    });
  });

  it.skipIf(!hasMoodleFixtures)(
    "reads Moodle's categories, escapes inside HTML and %100% with empty feedback",
    () => {
      const parsed = giftFormat.parse(moodleFixture('questions_in_category.gift.txt'));
      expect(parsed.problems).toEqual([]);
      expect(parsed.quizzes.map((quiz) => quiz.title)).toEqual(['Default for New Features']);
      const byTitle = new Map(questionsOf(parsed).map((question) => [question.title, question]));
      expect(byTitle.get('Greeting')?.text).toBe(
        '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:</a><br /><br />What language is being spoken?',
      );
      expect(byTitle.get('Moodle user')).toMatchObject({
        kind: 'short_answer',
        answers: [{ text: 'Moodler', weight: 100 }],
      });
      expect(byTitle.get('Moodle acronym')).toMatchObject({ kind: 'true_false', answer: true });
    },
  );
});

describe('Aiken', () => {
  it('reads single choice questions, "A." and "A)" alike', () => {
    const parsed = aikenFormat.parse('What is 2 + 2?\nA. 3\nB) 4\nANSWER: B\n');
    expect(questionsOf(parsed)).toEqual([
      expect.objectContaining({
        kind: 'single',
        text: 'What is 2 + 2?',
        choices: [
          { id: 'a', text: '3', correct: false },
          { id: 'b', text: '4', correct: true },
        ],
      }),
    ]);
  });

  it('names an ANSWER letter that is no option', () => {
    expect(aikenFormat.parse('Q?\nA) x\nB) y\nANSWER: C\n').problems).toEqual([
      expect.objectContaining({ line: 4, message: expect.stringMatching(/names none/) }),
    ]);
  });

  it('writes single choice questions and notes the others, left out', () => {
    const single = questionSchema.parse({
      id: 'q1',
      kind: 'single',
      text: 'Pick',
      choices: [
        { id: 'a', text: 'x', correct: false },
        { id: 'b', text: 'y', correct: true },
      ],
    });
    const essay = questionSchema.parse({ id: 'q2', kind: 'essay', text: 'Write' });
    const written = aikenFormat.write([{ title: 'Quiz', questions: [single, essay] }]);
    expect(written.text).toBe('Pick\nA) x\nB) y\nANSWER: B\n');
    expect(written.notes).toEqual([
      { quizTitle: 'Quiz', questionId: 'q2', message: expect.stringMatching(/single choice/) },
    ]);
    expect(questionsOf(aikenFormat.parse(written.text))).toEqual([single]);
  });

  it.skipIf(!hasMoodleFixtures)(
    "reports the errors Moodle's own test expects of aiken_errors.txt",
    () => {
      const parsed = aikenFormat.parse(moodleFixture('aiken_errors.txt'));
      expect(parsed.problems.map((problem) => problem.line)).toEqual([3, 5, 7, 18]);
      expect(questionsOf(parsed).map((question) => question.text)).toEqual([
        'A good question',
        'A second good question',
      ]);
      expect(questionsOf(parsed)[1]).toMatchObject({
        choices: [
          { text: 'Incorrect (No space)', correct: false },
          { text: 'Correct (No space)', correct: true },
        ],
      });
    },
  );

  it.skipIf(!hasMoodleFixtures)(
    "reads Moodle's questions.aiken.txt, HTML-like text kept as plain text",
    () => {
      const questions = questionsOf(aikenFormat.parse(moodleFixture('questions.aiken.txt')));
      expect(questions).toHaveLength(2);
      expect(questions[1]?.text).toContain('<html class="cool"> & images:');
      expect(questions[0]).toMatchObject({
        choices: [{ correct: false }, { text: 'Martin Dougiamas', correct: true }, {}, {}],
      });
    },
  );
});

describe('Moodle XML', () => {
  it('reads kinds, CDATA, formats, ids, points and tags, and reports unsupported types by name', () => {
    const parsed = moodleXmlFormat.parse(fixture('unsupported.xml'));
    expect(parsed.problems).toEqual([
      expect.objectContaining({
        line: 6,
        feature: 'cloze (embedded answers)',
        questionTitle: 'Cloze',
      }),
      expect.objectContaining({ line: 10, feature: 'calculated' }),
      expect.objectContaining({ line: 14, feature: 'drag and drop into text' }),
    ]);
    expect(parsed.quizzes.map((quiz) => quiz.title)).toEqual(['Mixed']);
    const [capital, primes, pi] = questionsOf(parsed);
    expect(capital).toMatchObject({
      id: 'capital-fr',
      kind: 'short_answer',
      text: '<p>The capital of <b>France</b>?</p>',
      textFormat: 'html',
      points: 2,
      caseSensitive: true,
      tags: ['geography', 'europe'],
      answers: [
        { text: 'Paris', weight: 100, feedback: 'Yes.' },
        { text: 'paris', weight: 50 },
      ],
    });
    expect(primes).toMatchObject({
      kind: 'multiple',
      choices: [
        { text: '2', correct: true, weight: 50 },
        { text: '3', correct: true, weight: 50 },
        {
          text: '4',
          textFormat: 'plain',
          correct: false,
          weight: -100,
          feedback: '4 = 2 &times; 2',
        },
      ],
    });
    expect(pi).toMatchObject({
      kind: 'numerical',
      answers: [
        { value: 3.14, tolerance: 0.005 },
        { otherwise: true, weight: 0, feedback: 'Look it up.' },
      ],
    });
    expect(parsed.notes.map((note) => note.message)).toEqual([
      expect.stringMatching(/^<penalty> is a Moodle setting/),
      expect.stringMatching(/^<shuffleanswers> is a Moodle setting/),
    ]);
  });

  it('reports XML that is not well-formed at its line and column', () => {
    expect(moodleXmlFormat.parse('<quiz>\n  <question type="essay">\n</quiz>\n').problems).toEqual([
      expect.objectContaining({
        line: 3,
        column: 1,
        message: expect.stringMatching(/^not well-formed XML/),
      }),
    ]);
  });

  it.skipIf(!hasMoodleFixtures)("reads Moodle's nested categories as one quiz each", () => {
    const parsed = moodleXmlFormat.parse(moodleFixture('nested_categories_with_questions.xml'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.quizzes.map((quiz) => [quiz.title, quiz.questions.length])).toEqual([
      ['Iota', 1],
      ['Iota/Kappa', 2],
      ['Iota/Kappa/Lambda', 1],
      ['Iota/Mu', 1],
    ]);
    expect(questionsOf(parsed)[1]).toMatchObject({ kind: 'essay', textFormat: 'moodle' });
  });
});

describe('CSV', () => {
  const header = 'quiz,id,kind,title,text,text_format,points,feedback,tags,answers';

  it('reads one question a row, the answers as JSON', () => {
    const parsed = csvFormat.parse(
      `${header}\r\nWeek 1,q7,true_false,Sky,The sky is blue.,,2,,colour; easy,"{""answer"":true}"\r\n,,essay,,"Two\nlines",,,,,\r\n`,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.quizzes.map((quiz) => [quiz.title, quiz.line])).toEqual([
      ['Week 1', 2],
      [null, 3],
    ]);
    expect(questionsOf(parsed)).toEqual([
      expect.objectContaining({ id: 'q7', answer: true, points: 2, tags: ['colour', 'easy'] }),
      expect.objectContaining({ kind: 'essay', text: 'Two\nlines' }),
    ]);
  });

  it('reports a bad cell at its line and column', () => {
    const parsed = csvFormat.parse(`${header}\n,,single,,Pick,,x,,,\n,,single,,Pick,,,,,{oops\n`);
    expect(parsed.problems).toEqual([
      expect.objectContaining({ line: 2, column: 7, message: 'points: "x" is not a number' }),
      expect.objectContaining({ line: 3, column: 10 }),
    ]);
  });

  it('writes rows that read back unchanged, formula-like cells guarded', () => {
    const question = questionSchema.parse({
      id: 'q1',
      kind: 'numerical',
      text: '=1+1',
      answers: [{ value: 2 }],
    });
    const written = csvFormat.write([{ title: 'Quiz', questions: [question] }]);
    expect(written.text).toContain(",'=1+1,");
    expect(questionsOf(csvFormat.parse(written.text))).toEqual([question]);
  });
});

describe('JSON', () => {
  it('reads the envelope and reports a bad question field at its own line', () => {
    const text = JSON.stringify(
      {
        format: 'lms-admin-questions',
        version: 1,
        quizzes: [
          {
            title: 'Q',
            questions: [
              { kind: 'essay', text: 'ok' },
              { kind: 'single', text: 'x', choices: [] },
            ],
          },
        ],
      },
      null,
      2,
    );
    const parsed = jsonFormat.parse(text);
    expect(parsed.problems).toEqual([]);
    const draft = parsed.quizzes[0]?.questions[1];
    const choicesLine = text.split('\n').findIndex((line) => line.includes('"choices"')) + 1;
    expect(draft?.locate?.(['choices'])).toEqual({ line: choicesLine, column: expect.any(Number) });
  });

  it('reports broken JSON and a wrong version at their lines', () => {
    expect(
      jsonFormat.parse('{\n  "format": "lms-admin-questions",\n  "version": 1,\n}').problems,
    ).toEqual([
      expect.objectContaining({ line: 4, message: expect.stringMatching(/^not valid JSON/) }),
    ]);
    expect(
      jsonFormat.parse('{\n"format": "lms-admin-questions",\n"version": 2,\n"quizzes": []\n}')
        .problems,
    ).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringMatching(/^version: must be 1/) }),
    ]);
  });
});

describe('format guessing', () => {
  it('goes by the ending, and for a bare .txt by Aiken ANSWER: lines', () => {
    expect(guessQuestionFormat('week.GIFT', '')?.format).toBe('gift');
    expect(guessQuestionFormat('questions.aiken.txt', '')?.format).toBe('aiken');
    expect(guessQuestionFormat('bank.xml', '')?.format).toBe('moodle-xml');
    expect(guessQuestionFormat('export.txt', 'Q{T}')?.format).toBe('gift');
    expect(guessQuestionFormat('export.txt', 'Q\nA) x\nB) y\nANSWER: A')?.format).toBe('aiken');
    expect(guessQuestionFormat('notes.md', '')).toBeUndefined();
  });
});
