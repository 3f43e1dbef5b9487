// A free-text input with suggestions (the browser's own datalist): typing anything is fine,
// a suggestion saves typing, and Escape never throws the text away.
import { useId } from 'react';
import { Input, type InputProps } from 'antd';

export function SuggestInput({ suggestions, ...props }: InputProps & { suggestions: string[] }) {
  const id = useId();
  return (
    <>
      <Input {...props} list={id} autoComplete="off" />
      <datalist id={id}>
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </>
  );
}

/** Suggestions from a comma-separated message (lead.sourceOptions, …). */
export function splitList(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
