import type { Command } from 'commander';
import { seedDemoData, seedLimits, seedTables, type SeedOptions, type SeedTable } from '../seed';
import { parseWith, wholeNumber, type CliOutput } from './context';
import { withDatabase } from './open-database';

interface SeedFlags {
  users?: number;
  courses?: number;
  lessonsPerCourse?: number;
  quizzesPerCourse?: number;
  questionsPerQuiz?: number;
  enrollmentsPerCourse?: number;
  append?: boolean;
  json?: boolean;
}

const amount = (min: number, max: number) =>
  parseWith(wholeNumber(min).max(max, { message: `expected at most ${max}` }));

const formatCount = (count: number): string => count.toLocaleString('en-US');
const tableWords = (table: SeedTable): string => table.replace('_', ' ');

/** Adds `lms-admin db seed` to the `db` command: realistic demo data in an empty database. */
export function addSeedCommand(db: Command, output: CliOutput): Command {
  return db
    .command('seed')
    .description(
      'fill the database with realistic demo data (an empty, migrated database unless --append)',
    )
    .option('--users <n>', 'users to create, mostly students', amount(0, seedLimits.users))
    .option('--courses <n>', 'courses to create', amount(0, seedLimits.courses))
    .option(
      '--lessons-per-course <n>',
      'lessons in each course',
      amount(0, seedLimits.lessonsPerCourse),
    )
    .option(
      '--quizzes-per-course <n>',
      'quizzes in each course',
      amount(0, seedLimits.quizzesPerCourse),
    )
    .option(
      '--questions-per-quiz <n>',
      'questions in each quiz',
      amount(1, seedLimits.questionsPerQuiz),
    )
    .option(
      '--enrollments-per-course <n>',
      'students enrolled in each course (with their progress and quiz attempts)',
      amount(0, seedLimits.enrollmentsPerCourse),
    )
    .option('--append', 'add demo data to a database that already holds some')
    .option('--json', 'print the summary as machine-readable JSON')
    .action(async (flags: SeedFlags, command: Command) => {
      const options: SeedOptions = {
        users: flags.users,
        courses: flags.courses,
        lessonsPerCourse: flags.lessonsPerCourse,
        quizzesPerCourse: flags.quizzesPerCourse,
        questionsPerQuiz: flags.questionsPerQuiz,
        enrollmentsPerCourse: flags.enrollmentsPerCourse,
        append: flags.append ?? false,
      };
      const { label, summary } = await withDatabase(command, async (database, target) => {
        output.err(`Seeding ${target.label}…`);
        const summary = await seedDemoData(database, options, ({ table, rows, total }) =>
          output.err(`  ${tableWords(table)}: ${formatCount(rows)} of ${formatCount(total)}`),
        );
        return { label: target.label, summary };
      });
      if (flags.json) {
        output.out(JSON.stringify({ database: label, ...summary }));
        return;
      }
      const counts = seedTables.map(
        (table) => `${formatCount(summary.rows[table])} ${tableWords(table)}`,
      );
      output.out(`Seeded ${counts.join(', ')} in ${(summary.elapsedMs / 1000).toFixed(1)} s.`);
    });
}
