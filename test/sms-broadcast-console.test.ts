import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DutySheet } from '../signaling/src/protocol/dispatch.ts';
import type { SmscSimulator } from '../signaling/src/sms/SmscSimulator.ts';
import { waitFor } from '../signaling/src/sms/testKit.ts';
import { launchVenue, loginThroughUi, type VenueBrowser } from './helpers/browser.ts';
import { startStack, type Stack } from './helpers/stack.ts';

/**
 * A dispatcher composes an emergency command in the console (real Chromium), picks two
 * departments and a number, sends it, and watches each recipient's status reach "delivered"
 * while the simulator holds exactly one message per recipient with the Chinese text intact.
 */

let stack: Stack;
let simulator: SmscSimulator;
let sheet: DutySheet;
let browser: VenueBrowser;

beforeAll(async () => {
  stack = await startStack();
  simulator = stack.server.messaging.simulator!;
  sheet = await stack.server.messaging.dispatch.dutySheet();
  browser = await launchVenue(stack.baseUrl);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('SMS broadcast from the console', () => {
  it('sends a templated message to the picked recipients and shows each one delivered', async () => {
    const { page } = browser;
    await loginThroughUi(page, stack.baseUrl, 'dispatcher');
    await page.getByTestId('tab-sms').click();
    await page.getByTestId('sms-template').selectOption('emergency_command');
    await page.getByTestId('sms-field-title').fill('防汛抢险');
    await page.getByTestId('sms-field-content').fill('请消防救援大队和水利局立即赶赴城关镇河堤加固险段，组织沿河群众转移到城关中学安置点，随时报告水情和险情');
    const text = '【应急指令】防汛抢险：请消防救援大队和水利局立即赶赴城关镇河堤加固险段，组织沿河群众转移到城关中学安置点，随时报告水情和险情。请立即执行并反馈。';
    expect(await page.getByTestId('sms-text').inputValue()).toBe(text);
    expect(await page.getByTestId('sms-counter').textContent()).toBe(`${text.length} 字，共 2 条（每条 67 字）`);
    await page.getByTestId('sms-dept-d041').check();
    await page.getByTestId('sms-dept-d024').check();
    await page.getByTestId('sms-numbers').fill('13912345678');
    await page.getByTestId('sms-send').click();

    const phones = ['d041', 'd024'].map((id) => sheet.entries.find((e) => e.departmentId === id)!.liaison!.phone).concat('13912345678');
    for (const phone of phones) {
      await page.locator(`[data-testid="sms-recipient-${phone}"][data-status="delivered"]`).waitFor({ timeout: 20_000 });
    }
    await page.locator('[data-testid="sms-recipients"][data-done="true"]').waitFor({ timeout: 10_000 });
    await waitFor(() => phones.every((p) => simulator.messagesTo(p).length >= 1), 5_000, 'the messages at the simulator');
    for (const phone of phones) {
      const got = simulator.messagesTo(phone);
      expect(got, phone).toHaveLength(1);
      expect(got[0]!.text).toBe(text);
    }
  }, 90_000);
});
