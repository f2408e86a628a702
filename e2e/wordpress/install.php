<?php
/*
 * Installs the e2e WordPress from the command line, idempotently, and prints
 * the ID and the path of the post with the embedded YouTube video.
 *
 * Run by e2e/setup.sh as:
 *   WORDPRESS_CONFIG=consent-e2e HTTP_HOST=127.0.0.1 php install.php <admin-user> <admin-password>
 * Debian's /usr/share/wordpress/wp-config.php reads WORDPRESS_CONFIG and
 * HTTP_HOST from $_SERVER, which the CLI fills from the environment.
 */

if (PHP_SAPI !== 'cli' || $argc !== 3) {
	fwrite(STDERR, "usage: php install.php <admin-user> <admin-password>\n");
	exit(2);
}
list(, $admin_user, $admin_password) = $argv;

// Without it wp-load.php redirects an uninstalled site to the web installer.
define('WP_INSTALLING', true);

// The install mail would go to a sendmail this machine does not have.
function wp_new_blog_notification() {}

require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if (!is_blog_installed()) {
	$r = wp_install('Consent e2e', $admin_user, 'admin@example.invalid', false, '', wp_slash($admin_password), 'en_US');
	if (is_wp_error($r)) {
		fwrite(STDERR, 'install: ' . $r->get_error_message() . "\n");
		exit(1);
	}
}

$admin = get_user_by('login', $admin_user);
if (!$admin) {
	fwrite(STDERR, "install: no user $admin_user\n");
	exit(1);
}
// A re-run with a new password (fresh secrets, old database) still logs in.
wp_set_password($admin_password, $admin->ID);
wp_set_current_user($admin->ID); // administrators may post iframes (unfiltered_html)

$options = array(
	'blogname'                     => 'Consent e2e',
	'default_comment_status'       => 'open',
	'comment_registration'         => 0,
	'comment_moderation'           => 0,
	'comment_previously_approved'  => 0, // else a first-time commenter waits for approval
	'require_name_email'           => 1,
	'close_comments_for_old_posts' => 0,
	'comments_notify'              => 0,
	'moderation_notify'            => 0,
	'blog_public'                  => 0,
);
foreach ($options as $name => $value) {
	update_option($name, $value);
}
// Pretty permalinks, as most sites have; php_fastcgi's try_files routes them
// to index.php. false: no .htaccess, Caddy needs none.
if (get_option('permalink_structure') !== '/%postname%/') {
	$GLOBALS['wp_rewrite']->set_permalink_structure('/%postname%/');
	flush_rewrite_rules(false);
}
if (get_stylesheet() !== 'twentytwentyone') {
	switch_theme('twentytwentyone');
}

// What the block editor stores once oEmbed has resolved a YouTube URL; the
// machine has no network, so the iframe is written out instead of fetched.
$video = <<<'HTML'
<!-- wp:paragraph -->
<p>Watch our product film.</p>
<!-- /wp:paragraph -->

<!-- wp:html -->
<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">
<iframe title="Big Buck Bunny 60fps 4K - Official Blender Foundation Short Film" width="750" height="422" src="https://www.youtube.com/embed/aqz-KE-bpKQ?feature=oembed" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" allowfullscreen></iframe>
</div></figure>
<!-- /wp:html -->
HTML;

$post = get_page_by_path('consent-e2e-video', OBJECT, 'post');
$postarr = array(
	'post_title'     => 'Our product film',
	'post_name'      => 'consent-e2e-video',
	'post_content'   => $video,
	'post_status'    => 'publish',
	'post_type'      => 'post',
	'comment_status' => 'open',
	'post_author'    => $admin->ID,
);
if ($post) {
	$postarr['ID'] = $post->ID;
}
$id = wp_insert_post(wp_slash($postarr), true);
if (is_wp_error($id)) {
	fwrite(STDERR, 'install: inserting post: ' . $id->get_error_message() . "\n");
	exit(1);
}
if (strpos(get_post_field('post_content', $id), 'https://www.youtube.com/embed/') === false) {
	fwrite(STDERR, "install: the post lost its iframe (kses?)\n");
	exit(1);
}
echo $id, ' ', wp_make_link_relative(get_permalink($id)), "\n";
