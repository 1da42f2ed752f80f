GeomapLib.init({{ map_name }}, {
  dataId: "geomap-data",
  basemapId: {{ basemap_id }},
  attribution: {{ attribution }}
});
