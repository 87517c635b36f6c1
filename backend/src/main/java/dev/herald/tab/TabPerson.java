package dev.herald.tab;

import java.util.List;

/**
 * The person a tab token names, as Herald's tables know them.
 *
 * @param tenants the tenant id forms to match ({@code tid} as given and lower-case, and
 * their chat's)
 * @param keys the Entra object id forms to match (the {@code oid} as given and
 * lower-case, and their chat's, which is how Teams spells it in activities)
 * @param responseTenant the tenant id the card's buttons record responses under
 * @param responseKey the object id the card's buttons record responses under: the one
 * Teams sends in activities, so a response from the tab and one from the card are the
 * same row and the report counts it once
 */
record TabPerson(List<String> tenants, List<String> keys, String responseTenant, String responseKey) {
}
