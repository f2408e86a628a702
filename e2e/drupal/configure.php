<?php
/**
 * @file
 * Configures the installed e2e Drupal as a typical legacy site is, and
 * idempotently: page cache for anonymous visitors, CSS and JS aggregation,
 * comments and the contact form open to anonymous visitors, the test's module
 * with its trackers, and one article with a YouTube embed. Prints the
 * article's node ID and its path alias.
 *
 * Run by e2e/drupal-setup.sh as www-data:
 *   php configure.php <drupal-root> <admin-user> <admin-password>
 */

if (PHP_SAPI !== 'cli' || $argc !== 4) {
  fwrite(STDERR, "usage: php configure.php <drupal-root> <admin-user> <admin-password>\n");
  exit(2);
}
list(, $root, $admin_user, $admin_password) = $argv;

define('DRUPAL_ROOT', $root);
chdir(DRUPAL_ROOT);
$_SERVER['HTTP_HOST'] = '127.0.0.1';
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_SOFTWARE'] = 'caddy-consent-e2e';

require_once DRUPAL_ROOT . '/includes/bootstrap.inc';
drupal_bootstrap(DRUPAL_BOOTSTRAP_FULL);

function fail($msg) {
  fwrite(STDERR, "configure: $msg\n");
  exit(1);
}

// Overlay would open node/*/edit in an iframe; the test drives the plain
// pages an administrator without it sees.
module_disable(array('overlay'));
if (!module_enable(array('contact', 'comment', 'dblog', 'path', 'consent_e2e'))) {
  fail('enabling modules failed (missing dependency?)');
}

$variables = array(
  // Performance page: "Cache pages for anonymous users", aggregation on.
  'cache' => 1,
  'page_cache_maximum_age' => 300,
  'preprocess_css' => 1,
  'preprocess_js' => 1,
  'clean_url' => 1,
  // Legacy themes and modules still read has_js; Drupal 7.83 stopped
  // setting it unless this is on, and sites that need it turn it back on.
  'set_has_js_cookie' => 1,
  'site_frontpage' => 'node',
  // Cron from the crontab, not from page views: automated cron would empty
  // the page cache in the middle of a test run.
  'cron_safe_threshold' => 0,
  // Every client here is 127.0.0.0 after truncation: lift the contact
  // form's per-address flood limit (5 an hour) for repeated runs.
  'contact_threshold_limit' => 10000,
  'user_register' => USER_REGISTER_ADMINISTRATORS_ONLY,
  'comment_anonymous_article' => COMMENT_ANONYMOUS_MAY_CONTACT,
  'comment_preview_article' => DRUPAL_OPTIONAL,
  'comment_form_location_article' => COMMENT_FORM_BELOW,
);
foreach ($variables as $name => $value) {
  variable_set($name, $value);
}

user_role_grant_permissions(DRUPAL_ANONYMOUS_RID, array(
  'access content',
  'access comments',
  'post comments',
  'skip comment approval',
  'access site-wide contact form',
));

// A re-run with new secrets (fresh password, old database) still logs in.
$admin = user_load_by_name($admin_user);
if (!$admin) {
  fail("no user $admin_user");
}
user_save($admin, array('pass' => $admin_password, 'status' => 1));

// The article as an editor writes it in Full HTML: the embed code YouTube's
// Share > Embed hands out.
$body = <<<'HTML'
<p>Watch our product film.</p>
<iframe width="560" height="315" src="https://www.youtube.com/embed/aqz-KE-bpKQ" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>
<p>Questions? Use the <a href="/contact">contact form</a>.</p>
HTML;

$alias = 'our-product-film';
// Found again by its alias: the test renames it on every run.
$source = drupal_lookup_path('source', $alias);
$node = $source && preg_match('#^node/(\d+)$#', $source, $m) ? node_load($m[1]) : FALSE;
if (!$node) {
  $node = (object) array('type' => 'article', 'language' => LANGUAGE_NONE);
  node_object_prepare($node);
}
$node->title = 'Our product film';
$node->uid = $admin->uid;
$node->status = NODE_PUBLISHED;
$node->promote = NODE_PROMOTED;
$node->comment = COMMENT_NODE_OPEN;
$node->body[LANGUAGE_NONE][0] = array('value' => $body, 'summary' => '', 'format' => 'full_html');
$node->path = array('alias' => $alias, 'pathauto' => FALSE);
if (!empty($node->nid) && ($existing = path_load(array('source' => 'node/' . $node->nid)))) {
  $node->path['pid'] = $existing['pid']; // update the alias, not add another
}
node_save($node);
if (empty($node->nid)) {
  fail('saving the article failed');
}
$html = check_markup($body, 'full_html');
if (strpos($html, 'https://www.youtube.com/embed/') === FALSE) {
  fail('full_html lost the iframe');
}

// Start with an empty page cache: the test sees MISS, then HIT.
drupal_flush_all_caches();

echo $node->nid, ' /', drupal_get_path_alias('node/' . $node->nid), "\n";
