import type { FormItemRule } from 'element-plus';
import { t } from './i18n/index.ts';

/** The password policy as far as the form can tell; the server also refuses common passwords. */
export const MIN_PASSWORD = 10;

/** Element Plus rules for a new password of `username()`; `required` for new accounts. */
export function newPasswordRules(username: () => string | undefined, required: boolean): FormItemRule[] {
  return [
    ...(required ? [{ required: true, message: t('common.required'), trigger: 'blur' }] : []),
    {
      trigger: 'blur',
      validator: (_rule: unknown, value: string, cb: (e?: Error) => void) => {
        if (!value) return cb();
        if (value.length < MIN_PASSWORD) return cb(new Error(t('password.tooShort', { n: MIN_PASSWORD })));
        const name = username()?.toLowerCase();
        if (name && (value.toLowerCase() === name || (name.length >= 3 && value.toLowerCase().includes(name)))) return cb(new Error(t('password.hasUsername')));
        cb();
      },
    },
  ];
}
