// Filling the integrated forms as a person does, shared by the journeys.

/** Fills the restaurant form completely (with staff, the food permit by commitment). */
export async function fillRestaurant(page) {
  await page.fill('#f-business-name', '睢县老张家常菜馆');
  await page.selectOption('#f-business-form', 'individual');
  await page.check('#f-business-scope-0');
  await page.fill('#f-business-capital', '10');
  await page.fill('#f-business-employees', '3');
  await page.fill('#f-plans-investment', '20');
  await page.fill('#f-legal_rep-name', '张三');
  await page.fill('#f-legal_rep-phone', '13800138000');
  await page.fill('#f-premises-address', '睢县城关镇北湖路 88 号');
  await page.fill('#f-premises-area', '120');
  await page.selectOption('#f-premises-tenure', 'leased');
  await page.check('#f-food-categories-0');
  await page.fill('#f-food-safety_manager', '李四');
  await page.fill('#f-food-manager_phone', '13900139000');
  await page.check('#f-seal-kinds-0');
  await page.selectOption('#f-tax-invoice_kind', 'e_ordinary');
  // The food permit by notification-commitment: signed for that item alone.
  await page.check('#f-commitment-chosen--food_business_permit');
  await page.fill('#f-commitment-signatory--food_business_permit', '张三');
  await page.fill('#f-commitment-signed_on--food_business_permit', '2026-11-28');
  await page.check('#f-declaration-truthful');
}

/** Fills the pharmacy form (no add-ons: no devices, no sign, no staff). */
export async function fillPharmacy(page) {
  await page.fill('#f-business-name', '睢县康泰大药房');
  await page.selectOption('#f-business-form', 'individual');
  await page.check('#f-business-scope-5');
  await page.fill('#f-business-capital', '50');
  await page.fill('#f-business-employees', '0');
  await page.fill('#f-plans-investment', '30');
  await page.fill('#f-legal_rep-name', '王五');
  await page.fill('#f-legal_rep-id_number', '11010519491231002X');
  await page.fill('#f-legal_rep-phone', '13800138000');
  await page.fill('#f-premises-address', '睢县城关镇北湖路 90 号');
  await page.fill('#f-premises-area', '120');
  await page.selectOption('#f-premises-tenure', 'owned');
  await page.selectOption('#f-pharmacy-scope', 'otc');
  await page.fill('#f-pharmacy-pharmacist_name', '赵六');
  await page.fill('#f-pharmacy-pharmacist_id_number', '11010519491231002X');
  await page.fill('#f-pharmacy-pharmacist_registration', '4110-2023-0001');
  await page.fill('#f-pharmacy-quality_manager', '赵六');
  await page.check('#f-seal-kinds-0');
  await page.selectOption('#f-tax-invoice_kind', 'e_ordinary');
  await page.check('#f-declaration-truthful');
}
