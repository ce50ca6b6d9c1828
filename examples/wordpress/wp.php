<?php
// WordPress's own install, upgrade and cron, run from the CLI by appstart
// (Debian has no wp-cli): php /app/pkg/wp.php install|upgrade|cron
//   install  [first_run]   wp_install() from wp-admin/includes/upgrade.php,
//                          what the form at /wp-admin/install.php calls
//   upgrade  [on_upgrade]  wp_upgrade(), what /wp-admin/upgrade.php calls
//   cron     [tasks.cron]  wp-cron.php's due events (DISABLE_WP_CRON is set)
// Each prints one line and appends it to /app/data/wp.log.
$cmd = $argv[1] ?? '';
if (!in_array($cmd, ['install', 'upgrade', 'cron'], true)) {
    fwrite(STDERR, "usage: php wp.php install|upgrade|cron\n");
    exit(2);
}
// Debian's wp-config.php picks its config file by HTTP host; from the CLI
// there is none, so it is the origin's (it falls back to config-default.php).
$origin = getenv('CLOUDRON_APP_ORIGIN') ?: 'http://localhost';
$_SERVER['HTTP_HOST'] = parse_url($origin, PHP_URL_HOST);
$_SERVER['REQUEST_URI'] = '/';
if ($cmd !== 'cron') {
    define('WP_INSTALLING', true);
}

function say($line) {
    $line = gmdate('Y-m-d\TH:i:s\Z') . " $line\n";
    echo $line;
    file_put_contents('/app/data/wp.log', $line, FILE_APPEND | LOCK_EX);
}

if ($cmd === 'cron') {
    // wp-cron.php ends with die() when no event is due.
    register_shutdown_function(function () {
        say('cron ran, next event ' . (($next = wp_next_scheduled('wp_version_check')) ? gmdate('c', $next) : 'none'));
    });
    require '/usr/share/wordpress/wp-cron.php';
    exit(0);
}

require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if ($cmd === 'install') {
    // first_run runs again after a failure half-way: an installed blog is
    // left as it is.
    if (is_blog_installed()) {
        say('install: already installed');
        exit(0);
    }
    $host = parse_url($origin, PHP_URL_HOST);
    $email = 'admin@' . (strpos($host, '.') === false ? 'example.com' : $host);
    $r = wp_install('WordPress', 'admin', $email, true, '', wp_slash(getenv('WP_ADMIN_PASSWORD')), 'en_US');
    if (empty($r['user_id'])) {
        fwrite(STDERR, "wp_install failed\n");
        exit(1);
    }
    say("install: WordPress {$GLOBALS['wp_version']} installed, db_version " . get_option('db_version') . ", admin user {$r['user_id']}");
    exit(0);
}

// upgrade: wp_upgrade() does nothing when the database is current.
$before = get_option('db_version');
wp_upgrade();
wp_cache_flush();
$after = get_option('db_version');
say("upgrade: db_version $before -> $after (WordPress {$GLOBALS['wp_version']}, package "
    . (getenv('APPSTART_OLD_VERSION') ?: 'unrecorded') . ' -> ' . getenv('APPSTART_NEW_VERSION') . ')');
