// What the UI shows for a failed API call: the API's stable `code` in the operator's language
// (a Thai operator saw "… has claimed this chat already" in English), the API's own English
// message for a code without words here, and a network failure's text otherwise.
import { ApiError } from './api';
import { registerStrings, t } from './i18n';

registerStrings({
  th: {
    'err.already_claimed': '{name} รับแชทนี้ไปแล้ว',
    'err.held_by_other': '{name} กำลังดูแลแชทนี้อยู่',
    'err.no_open_session': 'แชทนี้ไม่มีเซสชันที่เปิดอยู่ สลับเป็นโหมดเจ้าหน้าที่ก่อน',
    'err.closed_meanwhile': 'แชทนี้ถูกปิดไปแล้วระหว่างนั้น',
    'err.bot_mode': 'แชทนี้อยู่กับบอท สลับเป็นโหมดเจ้าหน้าที่ก่อนตอบ',
    'err.not_retryable': 'ข้อความนี้ส่งซ้ำไม่ได้',
    'err.search_length': 'พิมพ์คำค้นหา 3 ถึง 100 ตัวอักษร',
    'err.not_found': 'ไม่พบข้อมูลที่ต้องการ',
    'err.forbidden': 'คุณไม่มีสิทธิ์ทำรายการนี้',
    'err.unauthorized': 'กรุณาเข้าสู่ระบบอีกครั้ง',
    'err.too_many_requests': 'ลองมากเกินไป โปรดลองใหม่ภายหลัง',
    'err.internal': 'เซิร์ฟเวอร์ขัดข้อง โปรดลองใหม่',
    'err.someone': 'เจ้าหน้าที่อีกคน',
    // Business hours (issue 12).
    'err.hours_time': 'เวลาต้องเป็นแบบ 24 ชั่วโมง HH:MM (เปิด 00:00–23:59 ปิดได้ถึง 24:00)',
    'err.hours_order': 'เวลาปิดต้องหลังเวลาเปิด ช่วงที่ข้ามเที่ยงคืนให้แบ่งเป็นสองวัน (ถึง 24:00 และเริ่ม 00:00)',
    'err.hours_overlap': 'ช่วงเวลาในวันเดียวกันซ้อนทับกัน',
    'err.hours_date': 'วันหยุดต้องเป็นวันที่จริงแบบ YYYY-MM-DD',
    'err.contact_unfollowed': 'ผู้ใช้เลิกติดตามหรือบล็อกบัญชีแล้ว — ส่งข้อความไม่ได้',
  },
  en: {
    'err.already_claimed': '{name} has claimed this chat already',
    'err.held_by_other': '{name} is handling this chat',
    'err.no_open_session': 'This chat has no open session; switch it to HUMAN first',
    'err.closed_meanwhile': 'This chat was closed meanwhile',
    'err.bot_mode': 'This chat is with the bot; switch it to HUMAN before answering',
    'err.not_retryable': 'This message cannot be sent again',
    'err.search_length': 'Type 3 to 100 characters to search',
    'err.not_found': 'Not found',
    'err.forbidden': 'You may not do this',
    'err.unauthorized': 'Please log in again',
    'err.too_many_requests': 'Too many tries; try again later',
    'err.internal': 'The server had a problem; try again',
    'err.someone': 'Another operator',
    // Business hours (issue 12).
    'err.hours_time': 'Times are 24-hour HH:MM (opening 00:00–23:59, closing up to 24:00)',
    'err.hours_order': 'The closing time must be after the opening time; split a range past midnight over two days (to 24:00, from 00:00)',
    'err.hours_overlap': 'Two ranges on the same day overlap',
    'err.hours_date': 'A holiday must be a real date, YYYY-MM-DD',
    'err.contact_unfollowed': 'The user has unfollowed or blocked the account — messages cannot be sent',
  },
});

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const code = typeof err.body?.code === 'string' ? err.body.code : undefined;
    const key = `err.${code}`;
    // Generic codes of a 400 or 409 keep the API's message, which says what to fix.
    if (code && t(key) !== key) {
      const operator = err.body?.operator as { display_name?: string | null; username?: string | null } | null | undefined;
      return t(key, { name: operator?.display_name ?? operator?.username ?? t('err.someone') });
    }
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
