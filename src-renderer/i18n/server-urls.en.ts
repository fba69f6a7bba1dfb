/** English texts of the central server's URL list (setup wizard; spread into en.ts). */
export const serverUrlsEn = {
  'setup.serverUrlsHint': 'One address, or several separated by commas, in the order to try them: the kiosk uses the first and moves to the next when one does not answer (several instances of the central server, or a load balancer first and the instances behind it). Each starts with https:// or http://.',
  'core.serverUrl.EMPTY': 'Enter the server URL.',
  'core.serverUrl.TOO_MANY': 'At most {max} server URLs.',
  'core.serverUrl.NOT_A_URL': 'Server URL {position} ({entry}) is not an address. Write it as https://parkgate.example.com',
  'core.serverUrl.NOT_HTTP': 'Server URL {position} ({entry}) must start with https:// or http://.',
  'core.serverUrl.CREDENTIALS': 'Server URL {position} ({entry}) must not contain a user name or password.',
};
