/** हिन्दी: GST भाग (निकास पर खरीदार का GSTIN, SMS से ई-रसीद)। gst.en.ts की हर कुंजी। */
import type { gstEn } from './gst.en.js';

export const gstHi: Record<keyof typeof gstEn, string> = {
  'gst.buyer.toggle': 'व्यावसायिक बिल (GSTIN)',
  'gst.buyer.gstin': 'खरीदार का GSTIN (15 अक्षर)',
  'gst.buyer.name': 'खरीदार का नाम (पंजीकृत)',
  'gst.buyer.save': 'बिल के लिए उपयोग करें',
  'gst.buyer.saved': 'बिल {name} ({gstin}) के नाम बनेगा।',
  'gst.buyer.refused': 'GSTIN या नाम अस्वीकार हुआ: {reason}',
  'gst.sms.label': 'ई-रसीद के लिए मोबाइल नंबर',
  'gst.sms.send': 'SMS से भेजें',
  'gst.sms.sent': 'ई-रसीद का लिंक SMS से भेजा गया।',
  'gst.sms.error.BAD_NUMBER': 'मोबाइल नंबर 10 अंकों का होता है और 6, 7, 8 या 9 से शुरू होता है।',
  'gst.sms.error.NO_DOCUMENT': 'इस निकास का भेजने लायक कोई बिल या रसीद नहीं है।',
  'gst.sms.error.NOT_SYNCED': 'केंद्रीय सर्वर पर यह बिल अभी नहीं पहुँचा। एक मिनट बाद फिर कोशिश करें।',
  'gst.sms.error.NO_SERVER': 'SMS के लिए केंद्रीय सर्वर चाहिए। इसके बजाय रसीद का QR कोड दिखाएँ।',
  'gst.sms.error.SMS_DISABLED': 'केंद्रीय सर्वर पर SMS चालू नहीं है। इसके बजाय रसीद का QR कोड दिखाएँ।',
  'gst.sms.error.SMS_REJECTED': 'SMS सेवा ने संदेश अस्वीकार किया। इसके बजाय रसीद का QR कोड दिखाएँ।',
  'gst.sms.error.SMS_TIMEOUT': 'SMS सेवा ने जवाब नहीं दिया। बाद में कोशिश करें।',
  'gst.sms.error.SMS_UNREACHABLE': 'SMS सेवा से संपर्क नहीं हो रहा। बाद में कोशिश करें।',
  'gst.sms.error.SMS_BAD_REPLY': 'SMS सेवा ने गलत जवाब दिया। बाद में कोशिश करें।',
  'gst.sms.error.SMS_LIMIT': 'यह ई-रसीद पहले ही 3 बार भेजी जा चुकी है।',
};
