import { NumberInput } from '@mantine/core';
import {
  Controller,
  type Control,
  type FieldError,
  type FieldPath,
  type FieldValues,
} from 'react-hook-form';
import { fieldErrorText } from '../forms';

interface OptionalNumberFieldProps<T extends FieldValues> {
  control: Control<T>;
  name: FieldPath<T>;
  label: string;
  /** What the number means and that it may be left empty. */
  description: string;
  error: FieldError | undefined;
  allowDecimal?: boolean;
}

/**
 * A number box whose value may be left empty: the form holds `''` for empty (sent as null) and a
 * number otherwise, so the schema's `z.literal('').or(number)` checks it. Mantine's box hands back
 * a string while typing a partial number ("-", "1."); that counts as empty until it is a number.
 */
export function OptionalNumberField<T extends FieldValues>({
  control,
  name,
  label,
  description,
  error,
  allowDecimal = true,
}: OptionalNumberFieldProps<T>) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <NumberInput
          label={label}
          description={description}
          min={0}
          allowDecimal={allowDecimal}
          value={field.value}
          onChange={(value) => field.onChange(typeof value === 'number' ? value : '')}
          onBlur={field.onBlur}
          error={fieldErrorText(label, error)}
        />
      )}
    />
  );
}
