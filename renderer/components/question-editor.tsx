import {
  Button,
  Checkbox,
  Fieldset,
  Group,
  NativeSelect,
  NumberInput,
  Radio,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import {
  Controller,
  get,
  useFieldArray,
  useForm,
  type Control,
  type FieldErrors,
  type Path,
} from 'react-hook-form';
import { questionKinds, textFormats, type Question } from '../../db/schemas/quiz-options';
import {
  draftOf,
  emptyDraft,
  newChoice,
  newNumberAnswer,
  newPair,
  newTextAnswer,
  numberAnswerModes,
  QUESTION_KIND_LABELS,
  questionResolver,
  type NumberAnswerMode,
  type QuestionDraft,
} from '../question-draft';
import { ErrorAlert } from './error-alert';

const NUMBER_MODE_LABELS: Record<NumberAnswerMode, string> = {
  exact: 'A value, give or take a tolerance',
  range: 'Any value in a range',
  otherwise: 'Any other answer',
};

const TEXT_FORMAT_LABELS: Record<(typeof textFormats)[number], string> = {
  plain: 'Plain text',
  markdown: 'Markdown',
  html: 'HTML',
  moodle: 'Moodle auto-format',
};

/** A form error in words, named by its box's label; undefined when the box is fine. */
function errorAt(
  errors: FieldErrors<QuestionDraft>,
  path: string,
  label: string,
): string | undefined {
  const error: unknown = get(errors, path);
  if (typeof error !== 'object' || error === null || !('message' in error)) return undefined;
  return typeof error.message === 'string' ? `${label} ${error.message}` : undefined;
}

interface NumberBoxProps {
  control: Control<QuestionDraft, unknown, Question>;
  name: Path<QuestionDraft>;
  label: string;
  description?: string;
  errors: FieldErrors<QuestionDraft>;
}

/** A number box whose empty state is '' (the schema then names it missing or applies its default). */
function NumberBox({ control, name, label, description, errors }: NumberBoxProps) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <NumberInput
          label={label}
          description={description}
          value={typeof field.value === 'number' ? field.value : ''}
          onChange={(value) => field.onChange(typeof value === 'number' ? value : '')}
          onBlur={field.onBlur}
          error={errorAt(errors, name, label)}
        />
      )}
    />
  );
}

interface QuestionEditorProps {
  /** The question to edit; absent for a new one. */
  question?: Question;
  isSaving: boolean;
  /** The last save's error, shown above the buttons (a CONFLICT's words say what happened). */
  saveError: unknown;
  onSave: (question: Question) => void;
  onCancel: () => void;
}

/**
 * Edits one question of any kind the model has. Every box is checked with the shared question
 * schema as the person saves, and each of its errors shows next to the box it is about.
 */
export function QuestionEditor({
  question,
  isSaving,
  saveError,
  onSave,
  onCancel,
}: QuestionEditorProps) {
  const [initial] = useState(() => (question ? draftOf(question) : emptyDraft('single')));
  const form = useForm<QuestionDraft, unknown, Question>({
    resolver: questionResolver,
    defaultValues: initial,
  });
  const { control, register, watch } = form;
  const errors = form.formState.errors;
  const kind = watch('kind');
  const choices = useFieldArray({ control, name: 'choices' });
  const textAnswers = useFieldArray({ control, name: 'textAnswers' });
  const numberAnswers = useFieldArray({ control, name: 'numberAnswers' });
  const pairs = useFieldArray({ control, name: 'pairs' });
  const listError = (name: string, label: string): string | undefined =>
    errorAt(errors, `${name}.root`, label);

  return (
    <form onSubmit={form.handleSubmit(onSave)} noValidate>
      <Stack>
        <Group grow align="flex-start">
          <NativeSelect
            label="Kind"
            data={questionKinds.map((value) => ({ value, label: QUESTION_KIND_LABELS[value] }))}
            {...register('kind')}
          />
          <TextInput
            label="Question id"
            description={
              question ? 'Attempts refer to it, so it stays.' : 'Letters, digits and _ . : -'
            }
            readOnly={question !== undefined}
            error={errorAt(errors, 'id', 'Question id')}
            {...register('id')}
          />
        </Group>
        <TextInput
          label="Title (optional)"
          error={errorAt(errors, 'title', 'Title')}
          {...register('title')}
        />
        <Textarea
          label="Question text"
          required
          autosize
          minRows={2}
          data-autofocus
          error={errorAt(errors, 'text', 'Question text')}
          {...register('text')}
        />
        <Group grow align="flex-start">
          <NativeSelect
            label="Text format"
            data={textFormats.map((value) => ({ value, label: TEXT_FORMAT_LABELS[value] }))}
            {...register('textFormat')}
          />
          <NumberBox control={control} name="points" label="Points" errors={errors} />
        </Group>

        {(kind === 'single' || kind === 'multiple') && (
          <Fieldset legend="Choices">
            <Stack>
              {kind === 'multiple' && (
                <Text size="sm" c="dimmed">
                  Each choice's weight is its share of the points in percent; a negative weight is a
                  penalty. Empty: 100 for a correct choice, 0 for a wrong one.
                </Text>
              )}
              {choices.fields.map((field, index) => {
                const n = index + 1;
                return (
                  <Group key={field.id} align="flex-end" wrap="nowrap">
                    <TextInput
                      flex={1}
                      label={`Choice ${n}`}
                      error={errorAt(errors, `choices.${index}.text`, `Choice ${n}`)}
                      {...register(`choices.${index}.text`)}
                    />
                    <Checkbox
                      mb={8}
                      label="Correct"
                      aria-label={`Choice ${n} is correct`}
                      {...register(`choices.${index}.correct`)}
                    />
                    {kind === 'multiple' && (
                      <NumberBox
                        control={control}
                        name={`choices.${index}.weight`}
                        label={`Choice ${n} weight (%)`}
                        errors={errors}
                      />
                    )}
                    <Button
                      variant="default"
                      onClick={() => choices.remove(index)}
                      aria-label={`Remove choice ${n}`}
                    >
                      Remove
                    </Button>
                  </Group>
                );
              })}
              {listError('choices', 'Choices') && (
                <Text size="sm" c="red" role="alert">
                  {listError('choices', 'Choices')}
                </Text>
              )}
              <Button variant="light" onClick={() => choices.append(newChoice())} w="fit-content">
                Add choice
              </Button>
            </Stack>
          </Fieldset>
        )}

        {kind === 'true_false' && (
          <Fieldset legend="Answer">
            <Stack>
              <Controller
                control={control}
                name="answer"
                render={({ field }) => (
                  <Radio.Group
                    label="The statement is"
                    value={field.value}
                    onChange={field.onChange}
                  >
                    <Group mt="xs">
                      <Radio value="true" label="True" />
                      <Radio value="false" label="False" />
                    </Group>
                  </Radio.Group>
                )}
              />
              <TextInput label="Feedback for the answer True" {...register('feedbackTrue')} />
              <TextInput label="Feedback for the answer False" {...register('feedbackFalse')} />
            </Stack>
          </Fieldset>
        )}

        {kind === 'short_answer' && (
          <Fieldset legend="Accepted answers">
            <Stack>
              {textAnswers.fields.map((field, index) => {
                const n = index + 1;
                return (
                  <Group key={field.id} align="flex-end" wrap="nowrap">
                    <TextInput
                      flex={1}
                      label={`Accepted answer ${n}`}
                      error={errorAt(errors, `textAnswers.${index}.text`, `Accepted answer ${n}`)}
                      {...register(`textAnswers.${index}.text`)}
                    />
                    <NumberBox
                      control={control}
                      name={`textAnswers.${index}.weight`}
                      label={`Answer ${n} credit (%)`}
                      errors={errors}
                    />
                    <Button
                      variant="default"
                      onClick={() => textAnswers.remove(index)}
                      aria-label={`Remove accepted answer ${n}`}
                    >
                      Remove
                    </Button>
                  </Group>
                );
              })}
              {listError('textAnswers', 'Accepted answers') && (
                <Text size="sm" c="red" role="alert">
                  {listError('textAnswers', 'Accepted answers')}
                </Text>
              )}
              <Group>
                <Button variant="light" onClick={() => textAnswers.append(newTextAnswer())}>
                  Add accepted answer
                </Button>
                <Checkbox label="Case-sensitive" {...register('caseSensitive')} />
              </Group>
            </Stack>
          </Fieldset>
        )}

        {kind === 'numerical' && (
          <Fieldset legend="Numerical answers">
            <Stack>
              {numberAnswers.fields.map((field, index) => {
                const n = index + 1;
                const mode = watch(`numberAnswers.${index}.mode`);
                return (
                  <Stack key={field.id} gap="xs">
                    <Group align="flex-end" wrap="nowrap">
                      <NativeSelect
                        label={`Answer ${n} is`}
                        data={numberAnswerModes.map((value) => ({
                          value,
                          label: NUMBER_MODE_LABELS[value],
                        }))}
                        {...register(`numberAnswers.${index}.mode`)}
                      />
                      {mode === 'exact' && (
                        <>
                          <NumberBox
                            control={control}
                            name={`numberAnswers.${index}.value`}
                            label={`Answer ${n} value`}
                            errors={errors}
                          />
                          <NumberBox
                            control={control}
                            name={`numberAnswers.${index}.tolerance`}
                            label={`Answer ${n} tolerance`}
                            errors={errors}
                          />
                        </>
                      )}
                      {mode === 'range' && (
                        <>
                          <NumberBox
                            control={control}
                            name={`numberAnswers.${index}.min`}
                            label={`Answer ${n} from`}
                            errors={errors}
                          />
                          <NumberBox
                            control={control}
                            name={`numberAnswers.${index}.max`}
                            label={`Answer ${n} to`}
                            errors={errors}
                          />
                        </>
                      )}
                      <NumberBox
                        control={control}
                        name={`numberAnswers.${index}.weight`}
                        label={`Answer ${n} credit (%)`}
                        errors={errors}
                      />
                      <Button
                        variant="default"
                        onClick={() => numberAnswers.remove(index)}
                        aria-label={`Remove answer ${n}`}
                      >
                        Remove
                      </Button>
                    </Group>
                    {errorAt(errors, `numberAnswers.${index}.root`, `Answer ${n}`) && (
                      <Text size="sm" c="red" role="alert">
                        {errorAt(errors, `numberAnswers.${index}.root`, `Answer ${n}:`)}
                      </Text>
                    )}
                  </Stack>
                );
              })}
              {listError('numberAnswers', 'Answers') && (
                <Text size="sm" c="red" role="alert">
                  {listError('numberAnswers', 'Answers')}
                </Text>
              )}
              <Button
                variant="light"
                onClick={() => numberAnswers.append(newNumberAnswer())}
                w="fit-content"
              >
                Add answer
              </Button>
            </Stack>
          </Fieldset>
        )}

        {kind === 'matching' && (
          <Fieldset legend="Pairs">
            <Stack>
              <Text size="sm" c="dimmed">
                A pair with an empty prompt is a distractor: an extra answer that matches nothing.
              </Text>
              {pairs.fields.map((field, index) => {
                const n = index + 1;
                return (
                  <Group key={field.id} align="flex-end" wrap="nowrap" grow>
                    <TextInput
                      label={`Prompt ${n}`}
                      error={errorAt(errors, `pairs.${index}.prompt`, `Prompt ${n}`)}
                      {...register(`pairs.${index}.prompt`)}
                    />
                    <TextInput
                      label={`Answer to prompt ${n}`}
                      error={errorAt(errors, `pairs.${index}.answer`, `Answer to prompt ${n}`)}
                      {...register(`pairs.${index}.answer`)}
                    />
                    <Button
                      variant="default"
                      onClick={() => pairs.remove(index)}
                      aria-label={`Remove pair ${n}`}
                      style={{ flexGrow: 0 }}
                    >
                      Remove
                    </Button>
                  </Group>
                );
              })}
              {listError('pairs', 'Pairs') && (
                <Text size="sm" c="red" role="alert">
                  {listError('pairs', 'Pairs')}
                </Text>
              )}
              <Button variant="light" onClick={() => pairs.append(newPair())} w="fit-content">
                Add pair
              </Button>
            </Stack>
          </Fieldset>
        )}

        {kind === 'essay' && (
          <Text size="sm" c="dimmed">
            An essay has no answer key: a grader scores each attempt by hand.
          </Text>
        )}

        <Textarea
          label="General feedback (optional)"
          autosize
          minRows={1}
          error={errorAt(errors, 'feedback', 'Feedback')}
          {...register('feedback')}
        />
        <Controller
          control={control}
          name="tags"
          render={({ field }) => (
            <TagsInput
              label="Tags"
              description="Press Enter after each tag."
              value={field.value}
              onChange={field.onChange}
              error={errorAt(errors, 'tags', 'Tags')}
            />
          )}
        />
        {saveError !== null && saveError !== undefined && (
          <ErrorAlert title="Couldn't save the question" error={saveError} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={isSaving}>
            {question ? 'Save question' : 'Add question'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
