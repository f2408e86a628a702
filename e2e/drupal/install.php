<?php
/**
 * @file
 * Installs Drupal 7 from the command line without a browser, the way
 * `drush site-install` does: install_drupal() with non-interactive settings
 * that answer the installer's forms. settings.php (written by
 * e2e/drupal-setup.sh) already holds the database, so the installer skips
 * its database form.
 *
 * Run by e2e/drupal-setup.sh as www-data:
 *   php install.php <drupal-root> <admin-user> <admin-password>
 */

if (PHP_SAPI !== 'cli' || $argc !== 4) {
  fwrite(STDERR, "usage: php install.php <drupal-root> <admin-user> <admin-password>\n");
  exit(2);
}
list(, $root, $admin_user, $admin_password) = $argv;

define('DRUPAL_ROOT', $root);
define('MAINTENANCE_MODE', 'install');
chdir(DRUPAL_ROOT);
// What a web request would carry; conf_path() and $base_url derive from it.
$_SERVER['HTTP_HOST'] = '127.0.0.1';
$_SERVER['SCRIPT_NAME'] = '/install.php';
$_SERVER['REQUEST_URI'] = '/install.php';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_SOFTWARE'] = 'caddy-consent-e2e';

require_once DRUPAL_ROOT . '/includes/install.core.inc';

$settings = array(
  'interactive' => FALSE,
  'parameters' => array('profile' => 'standard', 'locale' => 'en'),
  'forms' => array(
    'install_configure_form' => array(
      'site_name' => 'Consent e2e',
      'site_mail' => 'site@example.invalid',
      'account' => array(
        'name' => $admin_user,
        'mail' => 'admin@example.invalid',
        'pass' => array('pass1' => $admin_password, 'pass2' => $admin_password),
      ),
      'site_default_country' => 'NO',
      'date_default_timezone' => 'UTC',
      'clean_url' => 1,
      // No network here: no update checks. NULL unticks a checkbox in a
      // programmatic submission (drupal_form_submit()).
      'update_status_module' => array(1 => NULL, 2 => NULL),
    ),
  ),
);
try {
  install_drupal($settings);
}
catch (Exception $e) {
  fwrite(STDERR, 'install: ' . $e->getMessage() . "\n");
  exit(1);
}
if (variable_get('install_task') !== 'done') {
  fwrite(STDERR, 'install: stopped at task ' . var_export(variable_get('install_task'), TRUE) . "\n");
  exit(1);
}
