<?php
// Your own MediaWiki settings: this file is yours and is kept on the volume
// (/app/data/LocalSettings.local.php); the package's LocalSettings.php reads it
// last, so anything set here wins. Examples:
//
//   $wgSitename = 'Team Wiki';
//   $wgEnableUploads = true;
//   $wgGroupPermissions['*']['edit'] = false;
//   wfLoadExtension( 'ParserFunctions' );
