import { describe, expect, it } from 'vitest';
import zhCN from './zh-CN';
import enUS from './en-US';
import { interpolate, loadLocale, saveLocale, STORAGE_KEY, translate, translateDynamic } from './core';

function memoryStorage(init: Record<string, string> = {}) {
  const data = new Map(Object.entries(init));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  };
}

describe('dictionaries', () => {
  it('have the same keys', () => {
    expect(Object.keys(enUS).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it('have no empty messages', () => {
    for (const dict of [zhCN, enUS]) {
      for (const [k, v] of Object.entries(dict)) expect(v, k).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(vars(enUS[k]), k).toEqual(vars(zhCN[k]));
    }
  });

  it('keep the required Chinese wording', () => {
    expect(zhCN['nav.users']).toBe('用户');
    expect(zhCN['nav.roles']).toBe('角色与权限');
    expect(zhCN['nav.tokens']).toBe('API 令牌');
    expect(zhCN['nav.audit']).toBe('审计日志');
    expect(zhCN['user.logout']).toBe('退出登录');
    expect(zhCN['scope.department']).toBe('本部门及下级');
  });
});

describe('translate', () => {
  it('interpolates variables', () => {
    expect(translate('en-US', 'home.welcome', { name: 'Ann' })).toBe('Welcome back, Ann');
    expect(translate('zh-CN', 'home.welcome', { name: '张三' })).toBe('欢迎回来，张三');
  });

  it('leaves unknown placeholders alone', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(interpolate('no vars')).toBe('no vars');
  });

  it('falls back for run-time keys', () => {
    expect(translateDynamic('zh-CN', 'object.user', 'user')).toBe('用户');
    expect(translateDynamic('en-US', 'perm.nothing.here', 'nothing.here')).toBe('nothing.here');
    expect(translateDynamic('en-US', 'toString', 'x')).toBe('x');
  });
});

describe('remembered locale', () => {
  it('defaults to zh-CN', () => {
    expect(loadLocale(memoryStorage())).toBe('zh-CN');
    expect(loadLocale(undefined)).toBe('zh-CN');
  });

  it('ignores unknown values', () => {
    expect(loadLocale(memoryStorage({ [STORAGE_KEY]: 'fr-FR' }))).toBe('zh-CN');
  });

  it('round-trips through storage', () => {
    const s = memoryStorage();
    saveLocale('en-US', s);
    expect(s.data.get('rudder.locale')).toBe('en-US');
    expect(loadLocale(s)).toBe('en-US');
  });

  it('survives a storage that throws', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadLocale(broken)).toBe('zh-CN');
    expect(() => saveLocale('en-US', broken)).not.toThrow();
  });
});
