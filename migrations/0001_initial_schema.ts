import type { MigrationDb } from '../db/migration';

/**
 * The LMS schema of shared/SCHEMA.md (audit_log comes in its own migration).
 * Rules live in the database so raw SQL can't break them either.
 */
export async function up(db: MigrationDb): Promise<void> {
  await db.query(`
    CREATE EXTENSION IF NOT EXISTS pg_trgm;

    CREATE TYPE user_role AS ENUM ('student', 'instructor', 'admin', 'support');
    CREATE TYPE enrollment_status AS ENUM ('pending', 'active', 'completed', 'dropped');
    CREATE TYPE progress_status AS ENUM ('not_started', 'in_progress', 'completed');
    CREATE TYPE attempt_status AS ENUM ('in_progress', 'submitted', 'graded');

    -- Keeps updated_at and version for every UPDATE, raw SQL included. An UPDATE that changes no
    -- value is no change: it bumps neither, so optimistic-concurrency tokens don't move for nothing.
    CREATE FUNCTION lms_touch_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
      END IF;
      NEW.updated_at := now();
      NEW.version := OLD.version + 1;
      RETURN NEW;
    END
    $$;

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      full_name text NOT NULL,
      role user_role NOT NULL,
      password_hash text,
      is_active boolean NOT NULL DEFAULT true,
      last_login_at timestamptz,
      last_login_ip inet,
      metadata jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT users_email_key UNIQUE (email),
      CONSTRAINT users_email_lower_check CHECK (email = lower(email)),
      CONSTRAINT users_email_format_check CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
      CONSTRAINT users_full_name_check CHECK (btrim(full_name) <> ''),
      -- A hash in PHC string form ($scrypt$… or $argon2id$…): a plain password can't be stored.
      CONSTRAINT users_password_hash_check CHECK (password_hash IS NULL OR password_hash ~ '^\\$(scrypt|argon2id|argon2i|argon2d)\\$'),
      -- Students don't sign in to this app, so they have no password here.
      CONSTRAINT users_student_password_check CHECK (role <> 'student' OR password_hash IS NULL),
      CONSTRAINT users_metadata_check CHECK (jsonb_typeof(metadata) = 'object'),
      CONSTRAINT users_version_check CHECK (version >= 1)
    );
    CREATE INDEX users_metadata_gin_idx ON users USING gin (metadata);
    CREATE INDEX users_full_name_trgm_idx ON users USING gin (full_name gin_trgm_ops);
    CREATE INDEX users_email_trgm_idx ON users USING gin (email gin_trgm_ops);
    CREATE TRIGGER users_touch_row BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION lms_touch_row();

    CREATE TABLE courses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL,
      title text NOT NULL,
      description text,
      instructor_id uuid REFERENCES users (id) ON DELETE RESTRICT,
      is_published boolean NOT NULL DEFAULT false,
      published_at timestamptz,
      metadata jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT courses_slug_key UNIQUE (slug),
      CONSTRAINT courses_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
      CONSTRAINT courses_title_check CHECK (btrim(title) <> ''),
      CONSTRAINT courses_metadata_check CHECK (jsonb_typeof(metadata) = 'object'),
      CONSTRAINT courses_version_check CHECK (version >= 1)
    );
    CREATE INDEX courses_instructor_id_idx ON courses (instructor_id);
    CREATE INDEX courses_published_idx ON courses (published_at DESC) WHERE is_published = TRUE;
    CREATE INDEX courses_metadata_gin_idx ON courses USING gin (metadata);
    CREATE TRIGGER courses_touch_row BEFORE UPDATE ON courses FOR EACH ROW EXECUTE FUNCTION lms_touch_row();

    CREATE TABLE lessons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
      position integer NOT NULL,
      title text NOT NULL,
      body text,
      duration_minutes integer,
      is_published boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      -- Checked at the end of each statement, so one UPDATE can reorder a course's lessons.
      CONSTRAINT lessons_course_id_position_key UNIQUE (course_id, position) DEFERRABLE INITIALLY IMMEDIATE,
      CONSTRAINT lessons_position_check CHECK (position >= 1),
      CONSTRAINT lessons_title_check CHECK (btrim(title) <> ''),
      CONSTRAINT lessons_duration_minutes_check CHECK (duration_minutes IS NULL OR duration_minutes >= 0),
      CONSTRAINT lessons_version_check CHECK (version >= 1)
    );
    CREATE TRIGGER lessons_touch_row BEFORE UPDATE ON lessons FOR EACH ROW EXECUTE FUNCTION lms_touch_row();

    CREATE TABLE quizzes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
      lesson_id uuid REFERENCES lessons (id) ON DELETE SET NULL,
      title text NOT NULL,
      is_published boolean NOT NULL DEFAULT false,
      pass_score numeric,
      options jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT quizzes_title_check CHECK (btrim(title) <> ''),
      CONSTRAINT quizzes_pass_score_check CHECK (pass_score IS NULL OR pass_score >= 0),
      -- "options ? 'questions'" first: jsonb_typeof of a missing key is NULL, and a NULL CHECK passes.
      CONSTRAINT quizzes_options_check CHECK (
        jsonb_typeof(options) = 'object' AND options ? 'questions' AND jsonb_typeof(options -> 'questions') = 'array'
      ),
      CONSTRAINT quizzes_version_check CHECK (version >= 1)
    );
    CREATE INDEX quizzes_course_id_idx ON quizzes (course_id);
    CREATE INDEX quizzes_lesson_id_idx ON quizzes (lesson_id);
    CREATE INDEX quizzes_options_gin_idx ON quizzes USING gin (options);
    CREATE INDEX quizzes_options_type_idx ON quizzes ((options ->> 'type'));
    CREATE TRIGGER quizzes_touch_row BEFORE UPDATE ON quizzes FOR EACH ROW EXECUTE FUNCTION lms_touch_row();

    CREATE TABLE enrollments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
      status enrollment_status NOT NULL DEFAULT 'active',
      enrolled_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT enrollments_user_id_course_id_key UNIQUE (user_id, course_id),
      CONSTRAINT enrollments_completed_at_check CHECK (completed_at IS NULL OR completed_at >= enrolled_at),
      CONSTRAINT enrollments_version_check CHECK (version >= 1)
    );
    CREATE INDEX enrollments_course_id_status_idx ON enrollments (course_id, status);
    CREATE TRIGGER enrollments_touch_row BEFORE UPDATE ON enrollments FOR EACH ROW EXECUTE FUNCTION lms_touch_row();

    CREATE TABLE lesson_progress (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      enrollment_id uuid NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
      lesson_id uuid NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
      status progress_status NOT NULL DEFAULT 'not_started',
      completed_at timestamptz,
      time_spent_seconds integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT lesson_progress_enrollment_id_lesson_id_key UNIQUE (enrollment_id, lesson_id),
      CONSTRAINT lesson_progress_time_spent_seconds_check CHECK (time_spent_seconds >= 0),
      CONSTRAINT lesson_progress_version_check CHECK (version >= 1)
    );
    CREATE INDEX lesson_progress_lesson_id_idx ON lesson_progress (lesson_id);
    CREATE TRIGGER lesson_progress_touch_row BEFORE UPDATE ON lesson_progress FOR EACH ROW EXECUTE FUNCTION lms_touch_row();

    CREATE TABLE quiz_attempts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      enrollment_id uuid NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
      quiz_id uuid NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
      attempt_number integer NOT NULL,
      status attempt_status NOT NULL DEFAULT 'in_progress',
      answers jsonb NOT NULL DEFAULT '{}',
      score numeric,
      max_score numeric,
      started_at timestamptz NOT NULL DEFAULT now(),
      submitted_at timestamptz,
      ip_address inet,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT quiz_attempts_enrollment_id_quiz_id_attempt_number_key UNIQUE (enrollment_id, quiz_id, attempt_number),
      CONSTRAINT quiz_attempts_attempt_number_check CHECK (attempt_number >= 1),
      CONSTRAINT quiz_attempts_max_score_check CHECK (max_score IS NULL OR max_score >= 0),
      CONSTRAINT quiz_attempts_score_check CHECK (score IS NULL OR max_score IS NULL OR score <= max_score),
      CONSTRAINT quiz_attempts_submitted_at_check CHECK (submitted_at IS NULL OR submitted_at >= started_at),
      CONSTRAINT quiz_attempts_version_check CHECK (version >= 1)
    );
    CREATE INDEX quiz_attempts_quiz_id_idx ON quiz_attempts (quiz_id);
    CREATE INDEX quiz_attempts_answers_gin_idx ON quiz_attempts USING gin (answers);
    CREATE TRIGGER quiz_attempts_touch_row BEFORE UPDATE ON quiz_attempts FOR EACH ROW EXECUTE FUNCTION lms_touch_row();
  `);
}

export async function down(db: MigrationDb): Promise<void> {
  await db.query(`
    DROP TABLE quiz_attempts, lesson_progress, enrollments, quizzes, lessons, courses, users;
    DROP FUNCTION lms_touch_row();
    DROP TYPE attempt_status, progress_status, enrollment_status, user_role;
    -- pg_trgm may have been there before us, or serve others' objects: drop it only when unused.
    DO $$
    BEGIN
      DROP EXTENSION IF EXISTS pg_trgm;
    EXCEPTION WHEN dependent_objects_still_exist THEN
      NULL;
    END
    $$;
  `);
}
