import fs from 'node:fs/promises';
import { DataTypes, literal } from 'sequelize';
import { describe, expect, it } from 'vitest';
import { compareModels, planMigration } from '../../db/migration-authoring/model-drift';
import { DestructiveMigrationError } from '../../db/migrator';
import { foreignKey } from '../../db/models/columns';
import { AuthoringWorld, projectModelsWith, type BadgeModel } from '../support/authoring-world';

/** A fresh attribute each time: Sequelize writes the column name into the object it is given. */
const title = () => ({ type: DataTypes.TEXT, allowNull: false });
const tiers = ['bronze', 'gold'] as const;

/** A badges table as most scenarios start from it. */
const badges: BadgeModel = { columns: { title: title() } };

/** Each kind of model change, from one badges model to the next. */
const scenarios: { change: string; before?: BadgeModel; after?: BadgeModel; expect: RegExp }[] = [
  {
    change: 'a table added, with its touch and audit triggers (TRUNCATE too) and version check',
    after: badges,
    expect:
      /CREATE TABLE badges[\s\S]*badges_version_check[\s\S]*CREATE TRIGGER badges_audit_insert AFTER INSERT ON badges REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lms_audit_changes\(\)[\s\S]*CREATE TRIGGER badges_audit_truncate BEFORE TRUNCATE ON badges FOR EACH STATEMENT EXECUTE FUNCTION lms_audit_truncate\(\)[\s\S]*CREATE TRIGGER badges_touch_row BEFORE UPDATE ON badges/,
  },
  { change: 'a table removed', before: badges, expect: /DROP TABLE badges/ },
  {
    change: 'a column added',
    before: badges,
    after: { columns: { title: title(), description: { type: DataTypes.TEXT } } },
    expect: /ADD COLUMN description text/,
  },
  {
    change: 'a column removed',
    before: { columns: { title: title(), description: { type: DataTypes.TEXT } } },
    after: badges,
    expect: /DROP COLUMN description/,
  },
  {
    change: "a column's type altered",
    before: { columns: { title: title(), points: { type: DataTypes.INTEGER } } },
    after: { columns: { title: title(), points: { type: DataTypes.BIGINT } } },
    expect: /ALTER COLUMN points TYPE bigint USING points::bigint/,
  },
  {
    change: 'an identity column added',
    before: badges,
    after: {
      columns: {
        title: title(),
        seq: { type: DataTypes.BIGINT, allowNull: false, autoIncrement: true },
      },
    },
    expect: /ADD COLUMN seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY/,
  },
  {
    change: "a column's nullability altered",
    before: badges,
    after: { columns: { title: { type: DataTypes.TEXT, allowNull: true } } },
    expect: /ALTER COLUMN title DROP NOT NULL/,
  },
  {
    change: "a column's default altered",
    before: {
      columns: {
        title: title(),
        points: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
    },
    after: {
      columns: {
        title: title(),
        points: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 10 },
      },
    },
    expect: /ALTER COLUMN points SET DEFAULT 10/,
  },
  {
    change: 'an enum type added',
    before: badges,
    after: {
      columns: {
        title: title(),
        tier: { type: DataTypes.ENUM(...tiers), allowNull: false, defaultValue: 'bronze' },
      },
      enums: { badge_tier: tiers },
    },
    expect:
      /CREATE TYPE badge_tier AS ENUM \('bronze', 'gold'\)[\s\S]*ADD COLUMN tier badge_tier NOT NULL DEFAULT 'bronze'::badge_tier/,
  },
  {
    change: 'an enum value added',
    before: {
      columns: { title: title(), tier: { type: DataTypes.ENUM(...tiers), defaultValue: 'gold' } },
      enums: { badge_tier: tiers },
    },
    after: {
      columns: {
        title: title(),
        tier: { type: DataTypes.ENUM('bronze', 'silver', 'gold'), defaultValue: 'gold' },
      },
      enums: { badge_tier: ['bronze', 'silver', 'gold'] },
    },
    expect: /ALTER TYPE badge_tier ADD VALUE 'silver' AFTER 'bronze'/,
  },
  {
    change: 'an enum value removed (the type rebuilt, its columns moved over)',
    before: {
      columns: {
        title: title(),
        tier: { type: DataTypes.ENUM('bronze', 'silver', 'gold'), defaultValue: 'gold' },
      },
      enums: { badge_tier: ['bronze', 'silver', 'gold'] },
      rules: { checks: { badges_tier_check: "tier <> 'bronze'" } },
    },
    after: {
      columns: { title: title(), tier: { type: DataTypes.ENUM(...tiers), defaultValue: 'gold' } },
      enums: { badge_tier: tiers },
      rules: { checks: { badges_tier_check: "tier <> 'bronze'" } },
    },
    expect:
      /RENAME TO badge_tier__previous[\s\S]*USING tier::text::badge_tier[\s\S]*DROP TYPE badge_tier__previous/,
  },
  {
    change: 'indexes added: unique, GIN, partial and expression',
    before: {
      columns: {
        title: title(),
        tags: { type: DataTypes.JSONB },
        isActive: { type: DataTypes.BOOLEAN },
      },
    },
    after: {
      columns: {
        title: title(),
        tags: { type: DataTypes.JSONB },
        isActive: { type: DataTypes.BOOLEAN },
      },
      indexes: [
        { name: 'badges_title_idx', unique: true, fields: ['title'] },
        { name: 'badges_tags_gin_idx', using: 'GIN', fields: ['tags'] },
        { name: 'badges_active_idx', fields: ['title'], where: { is_active: true } },
        { name: 'badges_lower_title_idx', fields: [literal('lower(title)')] },
      ],
    },
    expect:
      /^(?=[\s\S]*CREATE UNIQUE INDEX badges_title_idx)(?=[\s\S]*USING gin \(tags\))(?=[\s\S]*WHERE \(is_active = true\))(?=[\s\S]*\(lower\(title\)\))/,
  },
  {
    change: 'a foreign key added, then its ON DELETE changed',
    before: { columns: { title: title(), courseId: foreignKey('courses', 'CASCADE', true) } },
    after: { columns: { title: title(), courseId: foreignKey('courses', 'SET NULL', true) } },
    expect:
      /DROP CONSTRAINT badges_course_id_fkey[\s\S]*REFERENCES courses\(id\) ON DELETE SET NULL/,
  },
  {
    change: 'a CHECK constraint added',
    before: badges,
    after: {
      columns: { title: title() },
      rules: { checks: { badges_title_check: "btrim(title) <> ''" } },
    },
    expect: /ADD CONSTRAINT badges_title_check CHECK \(\(btrim\(title\) <> ''::text\)\)/,
  },
];

describe('migrate generate', () => {
  it('finds nothing to do when the models and the migrated database agree', async (test) => {
    const world = await AuthoringWorld.create(test);
    const generated = await world.generate(projectModelsWith(), 'nothing');
    expect(generated.plan.changes).toEqual([]);
    expect(generated.file).toBeNull();
  });

  it.for(scenarios)(
    'writes a migration for $change whose up matches the models and whose down restores the schema',
    async ({ before, after, expect: expectedSql }, test) => {
      const world = await AuthoringWorld.create(test);
      if (before) {
        await world.generate(projectModelsWith(before), 'before');
        await world.up();
      }
      const schemaBefore = await world.schema();
      const generated = await world.generate(projectModelsWith(after), 'change', !after);
      expect(generated.file).not.toBeNull();
      expect(generated.plan.up.statements.join(';\n')).toMatch(expectedSql);

      await world.up();
      const afterUp = planMigration(
        await compareModels(world.client, projectModelsWith(after), { dropUnmodelled: !after }),
      );
      expect(afterUp.changes).toEqual([]);

      await world.down();
      expect(await world.schema()).toEqual(schemaBefore);
    },
  );

  it('marks a likely rename for review, and the migration refuses to run until it is resolved', async (test) => {
    const world = await AuthoringWorld.create(test);
    await world.generate(projectModelsWith({ columns: { title: title() } }), 'before');
    await world.up();
    const generated = await world.generate(
      projectModelsWith({ columns: { name: title() } }),
      'rename',
    );
    const text = await fs.readFile(generated.file ?? '', 'utf8');
    expect(text).toMatch(
      /REVIEW-REQUIRED: badges\.title is dropped and badges\.name .* RENAME COLUMN title TO name/,
    );
    await expect(world.up()).rejects.toThrow(/has notes marked REVIEW-REQUIRED \(line \d+/);
  });

  it('refuses a step that loses data without allowDestructive, naming the rows, and applies nothing', async (test) => {
    const world = await AuthoringWorld.create(test);
    const withPoints = { columns: { title: title(), points: { type: DataTypes.INTEGER } } };
    await world.generate(projectModelsWith(withPoints), 'before');
    await world.up();
    await world.client.query(`INSERT INTO badges (title, points) VALUES ('a', 1), ('b', 2)`);
    await world.generate(projectModelsWith(badges), 'drop_points');

    const refusal = world.up({});
    await expect(refusal).rejects.toThrow(DestructiveMigrationError);
    await expect(refusal).rejects.toThrow(
      /drops column badges\.points: its value in 2 row\(s\) of badges is lost/,
    );
    const status = await world.withMigrator((migrator) => migrator.status());
    expect(status.pending).toHaveLength(1);

    expect(await world.up({ allowDestructive: true })).toHaveLength(1);
  });
});
