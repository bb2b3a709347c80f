/**
 * The built-in word lists `db seed` draws its demo data from: names, course subjects, lesson
 * topics and a bank of quiz questions. Kept apart from the generator so the lists can grow
 * without touching the logic.
 */

import { deriveSlug } from '../services/slugs';

/** A name as shown, and the part of an email address made from it (ASCII letters only). */
export interface SeedName {
  display: string;
  emailPart: string;
}

/** Names from a comma-separated list (a list reads better than one name per line). */
const seedNames = (list: string): readonly SeedName[] =>
  list
    .split(',')
    .map((display) => display.trim())
    .filter((display) => display !== '')
    .map((display) => ({ display, emailPart: deriveSlug(display).replace(/-/g, '') }));

export const FIRST_NAMES = seedNames(`
  Amara, Aiko, Alejandro, Amelia, Anaïs, Andrei, Aisha, Benjamin, Bianca, Carlos, Chen,
  Chloé, Daniel, Dmitri, Elena, Emeka, Emma, Fatima, Felix, Freya, Gabriel, Grace, Hana,
  Hiroshi, Ibrahim, Ingrid, Isabella, Jakub, James, Javier, Jia, Johan, José, Julia, Kai,
  Kavya, Kenji, Lars, Layla, Leila, Liam, Lucía, Mateo, Maya, Mei, Mohammed, Nadia, Naomi,
  Nikolai, Noah, Nora, Olivia, Omar, Oskar, Priya, Rafael, Rahul, Rosa, Sakura, Samuel,
  Santiago, Sara, Sebastián, Sofia, Søren, Tariq, Thandiwe, Tomás, Valentina, Wei, Yara,
  Yusuf, Zainab, Zoë
`);

export const LAST_NAMES = seedNames(`
  Abebe, Adeyemi, Andersen, Becker, Bianchi, Brown, Castillo, Chen, Cohen, Costa, Dubois,
  Dvořák, Eriksson, Fernández, Fischer, García, Gonzalez, Gupta, Haddad, Hansen, Hernández,
  Ito, Ivanova, Jansen, Johnson, Kaur, Kim, Kowalski, Kumar, Larsen, Lee, Lopez, Martin,
  Mensah, Moreau, Müller, Nakamura, Nguyen, Novak, O'Brien, Okafor, Olsen, Patel, Pereira,
  Petrov, Popescu, Rossi, Sánchez, Santos, Schmidt, Silva, Singh, Smith, Suzuki, Takahashi,
  Tanaka, Taylor, Van der Berg, Wang, Williams, Wójcik, Yamamoto, Yilmaz, Zhang
`);

/** Reserved for examples (RFC 2606), so demo addresses can never reach a real person. */
export const EMAIL_DOMAINS = ['example.edu', 'example.org', 'mail.example.com'] as const;

/** Preference sets stored in `users.metadata`; a locale comes with a plausible time zone. */
export const USER_PREFERENCES = [
  { locale: 'en-US', timezone: 'America/New_York' },
  { locale: 'en-GB', timezone: 'Europe/London' },
  { locale: 'de-DE', timezone: 'Europe/Berlin' },
  { locale: 'es-ES', timezone: 'Europe/Madrid' },
  { locale: 'fr-FR', timezone: 'Europe/Paris' },
  { locale: 'ja-JP', timezone: 'Asia/Tokyo' },
  { locale: 'pt-BR', timezone: 'America/Sao_Paulo' },
  { locale: 'hi-IN', timezone: 'Asia/Kolkata' },
] as const;

/** A course subject and the tags stored with it. */
export interface SeedSubject {
  name: string;
  tags: readonly string[];
}

export const SUBJECTS: readonly SeedSubject[] = [
  { name: 'Python Programming', tags: ['programming', 'python'] },
  { name: 'Web Development', tags: ['programming', 'web'] },
  { name: 'Data Analysis', tags: ['data', 'statistics'] },
  { name: 'Machine Learning', tags: ['data', 'ai'] },
  { name: 'SQL and Databases', tags: ['data', 'sql'] },
  { name: 'Cloud Computing', tags: ['infrastructure', 'cloud'] },
  { name: 'Cybersecurity', tags: ['security'] },
  { name: 'UX Design', tags: ['design', 'ux'] },
  { name: 'Graphic Design', tags: ['design'] },
  { name: 'Project Management', tags: ['business', 'management'] },
  { name: 'Digital Marketing', tags: ['business', 'marketing'] },
  { name: 'Financial Accounting', tags: ['business', 'finance'] },
  { name: 'Public Speaking', tags: ['communication'] },
  { name: 'Technical Writing', tags: ['communication', 'writing'] },
  { name: 'Spanish', tags: ['languages'] },
  { name: 'Japanese', tags: ['languages'] },
  { name: 'Statistics', tags: ['math', 'statistics'] },
  { name: 'Linear Algebra', tags: ['math'] },
  { name: 'Organic Chemistry', tags: ['science', 'chemistry'] },
  { name: 'Climate Science', tags: ['science', 'environment'] },
  { name: 'World History', tags: ['humanities', 'history'] },
  { name: 'Creative Writing', tags: ['humanities', 'writing'] },
  { name: 'Photography', tags: ['arts'] },
  { name: 'Music Theory', tags: ['arts', 'music'] },
];

/** How a course title is built from its subject, and the level it implies. */
export const COURSE_FORMATS = [
  { title: (subject: string) => `Introduction to ${subject}`, level: 'beginner' },
  { title: (subject: string) => `${subject} for Beginners`, level: 'beginner' },
  { title: (subject: string) => `${subject} in Practice`, level: 'intermediate' },
  { title: (subject: string) => `Intermediate ${subject}`, level: 'intermediate' },
  { title: (subject: string) => `Advanced ${subject}`, level: 'advanced' },
  { title: (subject: string) => `${subject}: A Project-Based Course`, level: 'intermediate' },
] as const;

export const LESSON_TOPICS = [
  'Welcome and course overview',
  'Setting up your tools',
  'Core concepts',
  'A first worked example',
  'Common mistakes and how to avoid them',
  'Hands-on exercise',
  'Going deeper',
  'Case study',
  'Working with real data',
  'Best practices',
  'Peer review session',
  'Putting it all together',
  'Review and next steps',
] as const;

/** A question in the bank; a quiz picks distinct ones and numbers them q1, q2, … */
export interface BankQuestion {
  kind: 'single' | 'multiple';
  text: string;
  points: number;
  feedback: string;
  choices: readonly { text: string; correct: boolean }[];
}

const single = (
  text: string,
  correct: string,
  wrong: readonly string[],
  feedback: string,
  points = 1,
): BankQuestion => ({
  kind: 'single',
  text,
  points,
  feedback,
  choices: [
    { text: correct, correct: true },
    ...wrong.map((choice) => ({ text: choice, correct: false })),
  ],
});

const multiple = (
  text: string,
  correct: readonly string[],
  wrong: readonly string[],
  feedback: string,
): BankQuestion => ({
  kind: 'multiple',
  text,
  points: 2,
  feedback,
  choices: [
    ...correct.map((choice) => ({ text: choice, correct: true })),
    ...wrong.map((choice) => ({ text: choice, correct: false })),
  ],
});

const WRITTEN_QUESTIONS: readonly BankQuestion[] = [
  single(
    'Which HTTP status code means "Not Found"?',
    '404',
    ['200', '301', '500'],
    'The 4xx codes are client errors; 404 says the resource does not exist.',
  ),
  single(
    'What does SQL stand for?',
    'Structured Query Language',
    ['Simple Question Language', 'Sequential Query Logic', 'Standard Quality Level'],
    'SQL is the Structured Query Language.',
  ),
  single(
    'Which data structure works first in, first out?',
    'Queue',
    ['Stack', 'Tree', 'Hash map'],
    'A queue serves items in arrival order.',
  ),
  single(
    'What is the time complexity of binary search on a sorted array?',
    'O(log n)',
    ['O(n)', 'O(n log n)', 'O(1)'],
    'Each step halves the range that is left.',
    2,
  ),
  single(
    'Which keyword declares a constant in JavaScript?',
    'const',
    ['let', 'var', 'static'],
    '`const` bindings cannot be reassigned.',
  ),
  single(
    'In statistics, what is the median of 3, 7, 9, 12, 20?',
    '9',
    ['7', '10.2', '12'],
    'The median is the middle value of the sorted list.',
  ),
  single(
    "Which gas makes up most of the Earth's atmosphere?",
    'Nitrogen',
    ['Oxygen', 'Carbon dioxide', 'Argon'],
    'About 78% of dry air is nitrogen.',
  ),
  single(
    'What is the chemical formula of water?',
    'H₂O',
    ['CO₂', 'H₂O₂', 'NaCl'],
    'Two hydrogen atoms and one oxygen atom.',
  ),
  single(
    'Who wrote "Don Quixote"?',
    'Miguel de Cervantes',
    ['Gabriel García Márquez', 'Federico García Lorca', 'Jorge Luis Borges'],
    'Cervantes published it in two parts, 1605 and 1615.',
  ),
  single(
    'In project management, what is the critical path?',
    'The longest chain of dependent tasks',
    ['The most expensive task', 'The tasks assigned to the lead', 'The first milestone'],
    'It sets the shortest possible project duration.',
    2,
  ),
  single(
    'What does "UX" stand for?',
    'User experience',
    ['User extension', 'Universal exchange', 'Unified execution'],
    'UX design shapes how a product feels to use.',
  ),
  single(
    'How do you say "thank you" in Japanese?',
    'Arigatō',
    ['Konnichiwa', 'Sayōnara', 'Sumimasen'],
    '"Arigatō gozaimasu" is the polite form.',
  ),
  single(
    'Which Spanish verb means "to be" for permanent traits?',
    'ser',
    ['estar', 'tener', 'haber'],
    '"Estar" is for states and locations.',
  ),
  single(
    'What is the determinant of the 2×2 identity matrix?',
    '1',
    ['0', '2', '-1'],
    'The determinant of any identity matrix is 1.',
  ),
  single(
    'Which accounting statement shows assets, liabilities and equity?',
    'Balance sheet',
    ['Income statement', 'Cash flow statement', 'Trial balance'],
    'Assets = liabilities + equity, at one date.',
  ),
  single(
    'In photography, what does a smaller f-number give?',
    'A wider aperture',
    ['A faster shutter', 'Lower ISO', 'A longer focal length'],
    'f/1.8 lets in more light than f/8.',
  ),
  single(
    'How many semitones are in an octave?',
    '12',
    ['7', '8', '10'],
    'The chromatic scale has twelve semitones.',
  ),
  single(
    'Which phishing sign is most reliable?',
    'A link whose real address differs from the text',
    ['A company logo', 'A polite greeting', 'A long email'],
    'Hover over links to see where they really go.',
  ),
  multiple(
    'Which of these are Python data types?',
    ['list', 'dict', 'tuple'],
    ['array2d', 'struct'],
    'list, dict and tuple are built in; the others are not.',
  ),
  multiple(
    'Which of these are renewable energy sources?',
    ['Solar', 'Wind', 'Hydropower'],
    ['Coal', 'Natural gas'],
    'Renewables replenish on a human time scale.',
  ),
  multiple(
    'Which SQL clauses can filter rows?',
    ['WHERE', 'HAVING'],
    ['ORDER BY', 'LIMIT', 'SELECT'],
    'WHERE filters rows, HAVING filters groups.',
  ),
  multiple(
    'Which are good practices for passwords?',
    ['Use a password manager', 'Turn on two-factor authentication'],
    ['Reuse one strong password', 'Write it on a sticky note'],
    'Unique passwords plus a second factor stop most account takeovers.',
  ),
  multiple(
    'Which of these are cloud service models?',
    ['IaaS', 'PaaS', 'SaaS'],
    ['LAN', 'VPN'],
    'Infrastructure, platform and software as a service.',
  ),
  multiple(
    'Which of these are prime numbers?',
    ['2', '13', '29'],
    ['21', '27', '1'],
    'A prime has exactly two divisors: 1 and itself.',
  ),
];

/** Multiplication questions with distractors a learner plausibly picks (off by one factor). */
function arithmeticQuestions(count: number): BankQuestion[] {
  const questions: BankQuestion[] = [];
  for (let index = 0; index < count; index++) {
    const a = 2 + (index % 9);
    const b = 6 + Math.floor(index / 9);
    const product = a * b;
    questions.push(
      single(
        `What is ${a} × ${b}?`,
        String(product),
        [String(product + a), String(product - b), String(product + 1)],
        `${a} × ${b} = ${product}.`,
      ),
    );
  }
  return questions;
}

/** Every question a seeded quiz can hold. */
export const QUESTION_BANK: readonly BankQuestion[] = [
  ...WRITTEN_QUESTIONS,
  ...arithmeticQuestions(36),
];
