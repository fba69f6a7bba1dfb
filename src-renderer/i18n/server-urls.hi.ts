/** हिन्दी texts of the central server's URL list (spread into hi.ts). */
import type { serverUrlsEn } from './server-urls.en.js';

export const serverUrlsHi: Record<keyof typeof serverUrlsEn, string> = {
  'setup.serverUrlsHint': 'एक पता, या कई पते कॉमा से अलग करके, उसी क्रम में जिसमें उन्हें आज़माना है: कियॉस्क पहला पता इस्तेमाल करता है और जवाब न मिलने पर अगले पर चला जाता है (सेंट्रल सर्वर के कई इंस्टेंस, या पहले लोड बैलेंसर और फिर उसके पीछे के इंस्टेंस)। हर पता https:// या http:// से शुरू होता है।',
  'core.serverUrl.EMPTY': 'सर्वर URL डालें।',
  'core.serverUrl.TOO_MANY': 'ज़्यादा से ज़्यादा {max} सर्वर URL।',
  'core.serverUrl.NOT_A_URL': 'सर्वर URL {position} ({entry}) कोई पता नहीं है। इसे https://parkgate.example.com की तरह लिखें',
  'core.serverUrl.NOT_HTTP': 'सर्वर URL {position} ({entry}) https:// या http:// से शुरू होना चाहिए।',
  'core.serverUrl.CREDENTIALS': 'सर्वर URL {position} ({entry}) में यूज़र नाम या पासवर्ड नहीं होना चाहिए।',
};
