/** Picks the operator on the login screen: taps their tile (touch login), or types the username when the core offers no tiles. */
import type { Page } from 'playwright-core';

export async function chooseOperator(page: Page, username: string): Promise<void> {
  // Once the names have loaded the screen no longer swaps the field for the tiles.
  await page.locator('form.login-card[data-tiles="loaded"]').waitFor();
  if (await page.getByTestId('login-picked').count()) {
    await page.getByTestId('login-picked').getByRole('button').click();
    await page.locator('[data-testid="login-tiles"], [data-testid="login-username"]').first().waitFor();
  }
  if (await page.getByTestId('login-tiles').count()) await page.getByTestId(`tile-${username}`).click();
  else await page.getByLabel('Username').fill(username);
}
