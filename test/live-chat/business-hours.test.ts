import assert from 'node:assert';
import { ALWAYS, type BusinessHours, WEEKDAYS, type Weekday, type TimeRange, isOpenAt, nextOpening, openedAt } from '../../src/live-chat/business-hours';
import { checkBusinessHours } from '../../src/live-chat/business-hours-check';
import { awayText, describeOpening } from '../../src/live-chat/away-message';
import { HttpError } from '../../src/http/errors';

const BANGKOK = 'Asia/Bangkok';
const NEW_YORK = 'America/New_York';
const LONDON = 'Europe/London';

function hours(weekly: Partial<Record<Weekday, TimeRange[]>>, holidays: string[] = []): BusinessHours {
  return { enabled: true, weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, weekly[d] ?? []])) as Record<Weekday, TimeRange[]>, holidays };
}
const r = (from: string, to: string): TimeRange => ({ from, to });
const weekdays = (...ranges: TimeRange[]) => ({ mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges });
const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;

// Bangkok (UTC+7 all year): weekdays with a lunch break, Saturday mornings.
const SHOP = hours({ ...weekdays(r('09:00', '12:00'), r('13:00', '18:00')), sat: [r('10:00', '14:00')] });

describe('business hours', () => {
  describe('isOpenAt and nextOpening, Bangkok (no DST)', () => {
    const cases: [string, string, boolean, string][] = [
      // [what, instant (UTC), open?, next opening (UTC)]
      ['Monday 02:00: closed, opens 09:00', '2026-01-04T19:00:00Z', false, '2026-01-05T02:00:00.000Z'],
      ['Monday 08:59:59: closed', '2026-01-05T01:59:59Z', false, '2026-01-05T02:00:00.000Z'],
      ['Monday 09:00: open', '2026-01-05T02:00:00Z', true, '2026-01-05T02:00:00.000Z'],
      ['Monday 11:59:59: open', '2026-01-05T04:59:59Z', true, '2026-01-05T04:59:59.000Z'],
      ['Monday 12:00 (lunch): closed, opens 13:00', '2026-01-05T05:00:00Z', false, '2026-01-05T06:00:00.000Z'],
      ['Friday 18:00: closed, opens Saturday 10:00', '2026-01-09T11:00:00Z', false, '2026-01-10T03:00:00.000Z'],
      ['Saturday 14:30: closed, opens Monday 09:00 (over Sunday)', '2026-01-10T07:30:00Z', false, '2026-01-12T02:00:00.000Z'],
      ['Sunday 23:59: closed, opens Monday 09:00 (the week wraps)', '2026-01-11T16:59:00Z', false, '2026-01-12T02:00:00.000Z'],
    ];
    for (const [what, when, open, next] of cases) {
      it(what, () => {
        assert.strictEqual(isOpenAt(SHOP, BANGKOK, at(when)), open);
        assert.strictEqual(iso(nextOpening(SHOP, BANGKOK, at(when))), next);
      });
    }

    it('closes on holidays, and the next opening skips them', () => {
      const closedMonday = { ...SHOP, holidays: ['2026-01-12'] };
      assert.strictEqual(isOpenAt(closedMonday, BANGKOK, at('2026-01-12T03:00:00Z')), false, 'Monday 10:00, a holiday');
      assert.strictEqual(isOpenAt(closedMonday, BANGKOK, at('2026-01-13T03:00:00Z')), true, 'Tuesday 10:00');
      assert.strictEqual(iso(nextOpening(closedMonday, BANGKOK, at('2026-01-10T07:30:00Z'))), '2026-01-13T02:00:00.000Z');
      // New Year: closed from Thursday 24 December to Sunday 3 January.
      const newYear = {
        ...SHOP,
        holidays: ['2026-12-24', '2026-12-25', '2026-12-26', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02'],
      };
      assert.strictEqual(iso(nextOpening(newYear, BANGKOK, at('2026-12-23T12:00:00Z'))), '2027-01-04T02:00:00.000Z', 'Monday 4 January 09:00');
    });

    it('off is always open; on with no hours never opens', () => {
      const off = { ...SHOP, enabled: false };
      assert.strictEqual(isOpenAt(off, BANGKOK, at('2026-01-11T19:00:00Z')), true);
      assert.strictEqual(iso(nextOpening(off, BANGKOK, at('2026-01-11T19:00:00Z'))), '2026-01-11T19:00:00.000Z');
      assert.strictEqual(openedAt(off, BANGKOK, at('2026-01-11T19:00:00Z')), ALWAYS);
      const never = hours({});
      assert.strictEqual(isOpenAt(never, BANGKOK, at('2026-01-05T03:00:00Z')), false);
      assert.strictEqual(nextOpening(never, BANGKOK, at('2026-01-05T03:00:00Z')), null);
      assert.strictEqual(openedAt(never, BANGKOK, at('2026-01-05T03:00:00Z')), null);
    });

    it('ranges given out of order', () => {
      const shuffled = hours({ mon: [r('13:00', '18:00'), r('09:00', '12:00')] });
      assert.strictEqual(iso(nextOpening(shuffled, BANGKOK, at('2026-01-04T19:00:00Z'))), '2026-01-05T02:00:00.000Z');
    });
  });

  describe('openedAt: when the open stretch began', () => {
    it('the range that holds the instant', () => {
      assert.strictEqual(iso(openedAt(SHOP, BANGKOK, at('2026-01-05T03:30:00Z'))), '2026-01-05T02:00:00.000Z', 'Monday 10:30: since 09:00');
      assert.strictEqual(iso(openedAt(SHOP, BANGKOK, at('2026-01-05T07:00:00Z'))), '2026-01-05T06:00:00.000Z', 'Monday 14:00: since 13:00');
      assert.strictEqual(openedAt(SHOP, BANGKOK, at('2026-01-05T05:30:00Z')), null, 'lunch: closed');
    });

    it('ranges that touch, over midnight too, are one stretch; round the clock is ALWAYS', () => {
      const late = hours({ mon: [r('09:00', '12:00'), r('12:00', '18:00')], fri: [r('20:00', '24:00')], sat: [r('00:00', '02:00')] });
      assert.strictEqual(iso(openedAt(late, BANGKOK, at('2026-01-05T08:00:00Z'))), '2026-01-05T02:00:00.000Z', 'Monday 15:00: since 09:00');
      assert.strictEqual(isOpenAt(late, BANGKOK, at('2026-01-09T18:00:00Z')), true, 'Saturday 01:00');
      assert.strictEqual(iso(openedAt(late, BANGKOK, at('2026-01-09T18:00:00Z'))), '2026-01-09T13:00:00.000Z', 'since Friday 20:00');
      const friday = { ...late, holidays: ['2026-01-09'] };
      assert.strictEqual(iso(openedAt(friday, BANGKOK, at('2026-01-09T18:00:00Z'))), '2026-01-09T17:00:00.000Z', 'Friday a holiday: since midnight');
      const allDay = hours(Object.fromEntries(WEEKDAYS.map((d) => [d, [r('00:00', '24:00')]])));
      assert.strictEqual(openedAt(allDay, BANGKOK, at('2026-01-09T18:00:00Z')), ALWAYS);
      const allDayButSunday = { ...allDay, holidays: ['2026-01-11'] };
      assert.strictEqual(iso(openedAt(allDayButSunday, BANGKOK, at('2026-01-13T18:00:00Z'))), '2026-01-11T17:00:00.000Z', 'since Monday 00:00');
    });
  });

  describe('zones with daylight saving time', () => {
    const office = hours(weekdays(r('09:00', '17:00')));

    it('New York: Friday evening to Monday morning across the spring change opens at 09:00 EDT', () => {
      // Friday 6 March 17:00 EST (UTC-5); the clocks go forward on Sunday 8 March.
      assert.strictEqual(isOpenAt(office, NEW_YORK, at('2026-03-06T22:00:00Z')), false);
      assert.strictEqual(iso(nextOpening(office, NEW_YORK, at('2026-03-06T22:00:00Z'))), '2026-03-09T13:00:00.000Z');
      assert.strictEqual(isOpenAt(office, NEW_YORK, at('2026-03-09T13:00:00Z')), true);
      assert.strictEqual(isOpenAt(office, NEW_YORK, at('2026-03-09T12:59:00Z')), false, '08:59 EDT');
      assert.strictEqual(iso(openedAt(office, NEW_YORK, at('2026-03-09T15:00:00Z'))), '2026-03-09T13:00:00.000Z');
    });

    it('New York: an opening in the hour the clocks skip opens when they jump', () => {
      const night = hours({ sun: [r('02:30', '05:00')] });
      assert.strictEqual(iso(nextOpening(night, NEW_YORK, at('2026-03-08T06:00:00Z'))), '2026-03-08T07:00:00.000Z', '03:00 EDT');
      assert.strictEqual(isOpenAt(night, NEW_YORK, at('2026-03-08T07:00:00Z')), true);
      assert.strictEqual(isOpenAt(night, NEW_YORK, at('2026-03-08T06:59:59Z')), false, '01:59:59 EST');
    });

    it('New York: an opening in the hour the clocks repeat opens at its first occurrence', () => {
      const night = hours({ sun: [r('01:30', '03:00')] });
      // Sunday 1 November 00:00 EDT (UTC-4); at 02:00 EDT the clocks go back to 01:00 EST.
      assert.strictEqual(iso(nextOpening(night, NEW_YORK, at('2026-11-01T04:00:00Z'))), '2026-11-01T05:30:00.000Z', '01:30 EDT');
      assert.strictEqual(isOpenAt(night, NEW_YORK, at('2026-11-01T06:15:00Z')), false, '01:15 EST: the wall clock says before 01:30');
      assert.strictEqual(iso(nextOpening(night, NEW_YORK, at('2026-11-01T06:15:00Z'))), '2026-11-01T06:30:00.000Z', 'then 01:30 EST, the second time');
      assert.strictEqual(isOpenAt(night, NEW_YORK, at('2026-11-01T06:45:00Z')), true, '01:45 EST');
    });

    it('London: across the autumn change, Monday 09:00 is 09:00 GMT', () => {
      const london = hours(weekdays(r('09:00', '17:30')));
      assert.strictEqual(iso(nextOpening(london, LONDON, at('2026-10-23T17:00:00Z'))), '2026-10-26T09:00:00.000Z', 'from Friday 18:00 BST');
      assert.strictEqual(iso(nextOpening(london, LONDON, at('2026-03-27T18:00:00Z'))), '2026-03-30T08:00:00.000Z', 'spring: Monday 09:00 BST');
      assert.strictEqual(isOpenAt(london, LONDON, at('2026-03-30T16:29:00Z')), true, '17:29 BST');
      assert.strictEqual(isOpenAt(london, LONDON, at('2026-03-30T16:30:00Z')), false, '17:30 BST');
    });
  });

  describe('the next opening in words', () => {
    const now = at('2026-01-04T19:00:00Z'); // Monday 5 January 02:00 in Bangkok
    const cases: [string, string, string, string][] = [
      ['the same day', '2026-01-05T02:00:00Z', 'วันนี้ เวลา 09:00 น.', '09:00 today'],
      ['the next day', '2026-01-06T03:30:00Z', 'พรุ่งนี้ เวลา 10:30 น.', '10:30 tomorrow'],
      ['within a week', '2026-01-10T03:00:00Z', 'วันเสาร์ เวลา 10:00 น.', '10:00 on Saturday'],
      ['a week or more away', '2026-01-12T02:00:00Z', 'วันจันทร์ที่ 12 มกราคม เวลา 09:00 น.', '09:00 on Monday 12 January'],
    ];
    for (const [what, opening, th, en] of cases) {
      it(what, () => {
        assert.strictEqual(describeOpening(at(opening), BANGKOK, now, 'th'), th);
        assert.strictEqual(describeOpening(at(opening), BANGKOK, now, 'en'), en);
      });
    }

    it('fills {next_opening} in Thai in a Thai template, in English otherwise; never opening is "later"', () => {
      const saturday = at('2026-01-10T07:30:00Z');
      const monday = nextOpening(SHOP, BANGKOK, saturday);
      assert.strictEqual(awayText('เราปิดทำการแล้ว จะเปิดอีกครั้ง {next_opening}', monday, BANGKOK, saturday), 'เราปิดทำการแล้ว จะเปิดอีกครั้ง วันจันทร์ เวลา 09:00 น.');
      assert.strictEqual(awayText("We're closed; we open at {next_opening}.", monday, BANGKOK, saturday), "We're closed; we open at 09:00 on Monday.");
      assert.strictEqual(awayText('Back {next_opening}, {next_opening}!', null, BANGKOK, saturday), 'Back later, later!');
      assert.strictEqual(awayText('ปิดอยู่ {next_opening}', null, BANGKOK, saturday), 'ปิดอยู่ ภายหลัง');
      assert.strictEqual(awayText('Closed.', monday, BANGKOK, saturday), 'Closed.');
    });
  });

  describe('the setting, checked', () => {
    const field = (value: unknown) => {
      try {
        checkBusinessHours(value, 'business_hours');
      } catch (err) {
        assert.ok(err instanceof HttpError && err.status === 400, String(err));
        return err.field;
      }
      assert.fail('accepted');
    };

    it('takes a week, fills the days left out, sorts ranges and holidays', () => {
      const checked = checkBusinessHours(
        { enabled: true, weekly: { mon: [r('13:00', '24:00'), r('09:00', '12:00')], sat: [] }, holidays: ['2026-12-31', '2026-04-13', '2026-12-31'] },
        'business_hours',
      );
      assert.deepStrictEqual(checked, {
        enabled: true,
        weekly: { mon: [r('09:00', '12:00'), r('13:00', '24:00')], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
        holidays: ['2026-04-13', '2026-12-31'],
      });
    });

    it('refuses bad input with a 400 naming the field', () => {
      const week = (mon: unknown) => ({ enabled: true, weekly: { mon }, holidays: [] });
      assert.strictEqual(field(null), 'business_hours');
      assert.strictEqual(field({ weekly: {}, holidays: [] }), 'business_hours.enabled');
      assert.strictEqual(field({ enabled: true, weekly: [], holidays: [] }), 'business_hours.weekly');
      assert.strictEqual(field({ enabled: true, weekly: { monday: [] }, holidays: [] }), 'business_hours.weekly.monday');
      assert.strictEqual(field({ enabled: true, weekly: {}, holidays: [], extra: 1 }), 'business_hours.extra');
      assert.strictEqual(field(week('09:00-18:00')), 'business_hours.weekly.mon');
      assert.strictEqual(field(week([r('9:00', '18:00')])), 'business_hours.weekly.mon[0].from');
      assert.strictEqual(field(week([r('24:00', '24:00')])), 'business_hours.weekly.mon[0].from');
      assert.strictEqual(field(week([r('09:00', '18:60')])), 'business_hours.weekly.mon[0].to');
      assert.strictEqual(field(week([r('09:00', '24:30')])), 'business_hours.weekly.mon[0].to');
      assert.strictEqual(field(week([r('18:00', '09:00')])), 'business_hours.weekly.mon[0].to', 'crossing midnight');
      assert.strictEqual(field(week([r('09:00', '09:00')])), 'business_hours.weekly.mon[0].to', 'empty');
      assert.strictEqual(field(week([r('09:00', '12:00'), r('11:00', '13:00')])), 'business_hours.weekly.mon[1]', 'overlapping');
      assert.strictEqual(field(week([r('13:00', '18:00'), r('09:00', '13:30')])), 'business_hours.weekly.mon[0]', 'overlapping, out of order');
      assert.strictEqual(field({ enabled: true, weekly: {}, holidays: '2026-01-01' }), 'business_hours.holidays');
      assert.strictEqual(field({ enabled: true, weekly: {}, holidays: ['2026-02-30'] }), 'business_hours.holidays[0]');
      assert.strictEqual(field({ enabled: true, weekly: {}, holidays: ['2026-01-01', '1/2/2026'] }), 'business_hours.holidays[1]');
      // Touching ranges are fine.
      assert.doesNotThrow(() => checkBusinessHours(week([r('09:00', '12:00'), r('12:00', '13:00')]), 'business_hours'));
    });
  });
});
