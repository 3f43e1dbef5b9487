// Turns API errors into what a person sees: messages on form fields, or one translated notice.
import { useCallback } from 'react';
import { App, type FormInstance } from 'antd';
import { ApiError, mapFieldErrors } from './api';
import { useI18n } from './i18n';

/** Puts an ApiError's field errors on the matching form fields; returns the messages that matched none. */
export function applyFieldErrors(form: FormInstance, err: ApiError, t?: T): { applied: number; unmatched: string[] } {
  // getFieldsError() lists every registered field of the form.
  const registered = new Set(form.getFieldsError().map((f) => JSON.stringify(f.name)));
  const { fields, unmatched } = mapFieldErrors(err, (name) => registered.has(JSON.stringify(name)));
  if (fields.length) form.setFields(t ? fields.map((f) => ({ ...f, errors: f.errors.map((m) => localizeMessage(m, t)) })) : fields);
  return { applied: fields.length, unmatched };
}

/**
 * useApiError returns a handler for a failed request: field errors go onto `form` when given,
 * everything else becomes one message in the current language.
 */
export function useApiError() {
  const { message, modal } = App.useApp();
  const { t } = useI18n();

  return useCallback(
    (err: unknown, form?: FormInstance, onReload?: () => void) => {
      if (!(err instanceof ApiError)) {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        message.error(t('error.network'));
        return;
      }
      if (err.status === 401) return; // the app is on its way to /login
      if (err.status === 412) {
        modal.warning({
          title: t('error.stale.title'),
          content: t('error.stale.body'),
          okText: t('action.reload'),
          onOk: () => onReload?.(),
        });
        return;
      }
      if (form && err.errors.length) {
        const { applied, unmatched } = applyFieldErrors(form, err, t);
        if (applied > 0) {
          if (unmatched.length) message.error(unmatched.map((m) => localizeMessage(m, t)).join('; '));
          return;
        }
      }
      message.error(describeError(err, t));
    },
    [message, modal, t],
  );
}

type T = ReturnType<typeof useI18n>['t'];

export function describeError(err: ApiError, t: T): string {
  const extra = err.errors.length ? err.errors.map((e) => localizeMessage(e.message, t)).join('; ') : err.detail;
  switch (err.status) {
    case 403:
      return t('error.forbidden');
    case 404:
      return t('error.notFound');
    case 409:
      return withDetail(t('error.conflict'), extra);
    case 413:
      return t('error.tooLarge');
    case 429:
      return err.retryAfter ? t('error.tooMany.retry', { seconds: err.retryAfter }) : t('error.tooMany');
    case 400:
    case 422:
      return withDetail(t('error.invalid'), extra);
    default:
      if (err.status >= 500) return t('error.server');
      return withDetail(t('error.generic', { status: err.status }), extra);
  }
}

function withDetail(msg: string, detail?: string): string {
  return detail ? `${msg}: ${detail}` : msg;
}

/**
 * The server's validation messages are in English; the common ones are shown in the UI's
 * language instead. Anything else is shown as the server wrote it.
 */
export function localizeMessage(msg: string, t: T): string {
  let m: RegExpMatchArray | null;
  if (/already (registered|exists|in use|taken|used)/i.test(msg)) return t('validation.taken');
  if (/expected required property/i.test(msg)) return t('validation.requiredGeneric');
  if (/RFC 5322 email/i.test(msg)) return t('validation.email');
  if ((m = msg.match(/expected (?:length|number of items) >= (\d+)/i))) return t('validation.minLength', { min: m[1] });
  if ((m = msg.match(/expected (?:length|number of items) <= (\d+)/i))) return t('validation.maxLength', { max: m[1] });
  if (/RFC 4122 uuid|expected value to be one of|expected string to match pattern/i.test(msg)) return t('validation.invalidValue');
  return msg;
}
