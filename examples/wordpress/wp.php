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

function say($line) {
    $line = gmdate('Y-m-d\TH:i:s\Z') . " $line\n";
    echo $line;
    file_put_contents('/app/data/wp.log', $line, FILE_APPEND | LOCK_EX);
}

// WordPress ends a script that cannot reach the database with wp_die(),
// whose die() exits 0: appstart would then record a first_run that did
// nothing. So the exit status is decided here, at shutdown: 0 only when
// the work was done.
$done = false;
register_shutdown_function(function () use ($cmd) {
    global $done;
    // wp-cron.php itself ends with die(), whether events were due or not;
    // it did its work when it reached the database.
    if ($cmd === 'cron' && !$done && !empty($GLOBALS['wpdb']->ready) && function_exists('wp_next_scheduled')) {
        $next = wp_next_scheduled('wp_version_check');
        say('cron ran, next wp_version_check ' . ($next ? gmdate('c', $next) : 'none'));
        $done = true;
    }
    if (!$done) {
        fwrite(STDERR, "wp.php $cmd: WordPress stopped before the end (see above)\n");
        exit(1);
    }
});

if ($cmd === 'cron') {
    require '/usr/share/wordpress/wp-cron.php';
    exit; // the shutdown function decides
}

define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if ($cmd === 'install') {
    // first_run runs again after a failure half-way: an installed blog is
    // left as it is.
    if (is_blog_installed()) {
        say('install: already installed');
    } else {
        $host = parse_url($origin, PHP_URL_HOST);
        $email = 'admin@' . (strpos($host, '.') === false ? 'example.com' : $host);
        $r = wp_install('WordPress', 'admin', $email, true, '', wp_slash(getenv('WP_ADMIN_PASSWORD')), 'en_US');
        if (empty($r['user_id'])) {
            fwrite(STDERR, "wp.php install: wp_install made no admin user\n");
            exit(1);
        }
        say("install: WordPress {$GLOBALS['wp_version']} installed, db_version " . get_option('db_version') . ", admin user {$r['user_id']}");
    }
    $done = true;
    exit(0);
}

// upgrade: wp_upgrade() does nothing when the database is current.
$before = get_option('db_version');
wp_upgrade();
wp_cache_flush();
$after = get_option('db_version');
say("upgrade: db_version $before -> $after (WordPress {$GLOBALS['wp_version']}, package "
    . (getenv('APPSTART_OLD_VERSION') ?: 'unrecorded') . ' -> ' . getenv('APPSTART_NEW_VERSION') . ')');
$done = true;
