import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import elZhCn from 'element-plus/es/locale/lang/zh-cn';
import elEn from 'element-plus/es/locale/lang/en';
import zhCN from './zh-CN.ts';
import en from './en.ts';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: Locale[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'govhub.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LOCALES as string[]).includes(saved)) return saved as Locale;
  } catch { /* storage unavailable */ }
  return 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
});

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale;
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  try { localStorage.setItem(STORAGE_KEY, locale); } catch { /* storage unavailable */ }
  document.documentElement.lang = locale;
  document.title = i18n.global.t('app.name');
}

/** Element Plus's own strings (pagination, dialogs, date pickers) follow the console language. */
export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? elEn : elZhCn));

export const t = (key: string, values?: Record<string, unknown>): string => i18n.global.t(key, values ?? {});
